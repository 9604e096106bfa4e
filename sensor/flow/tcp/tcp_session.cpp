#include "flow/tcp/tcp_session.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "flow/tcp/reassembler.hpp"

namespace spanwatch::flow::tcp {

namespace tcp_flag = decode::tcp_flag;
using core::Bytes;
using core::Direction;

namespace {

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

// Do a segment's bytes differ from held bytes where both cover the same offsets?
bool differs(std::uint64_t begin, Bytes bytes, std::uint64_t held_begin, Bytes held) {
  const std::uint64_t from = std::max(begin, held_begin);
  const std::uint64_t to = std::min(begin + bytes.size(), held_begin + held.size());
  if (from >= to) return false;
  return std::memcmp(bytes.data() + (from - begin), held.data() + (from - held_begin), to - from) != 0;
}

}  // namespace

void TcpSession::on_segment(Direction dir, const decode::TcpInfo& tcp, Bytes payload, core::Timestamp,
                            StreamConsumer& consumer, SegmentChecksum checksum) {
  if (stopped_ || reset_ || finished_ || owner_ == nullptr) return;
  if (checksum != SegmentChecksum::unchecked && !owner_->accept_checksum(directions_[core::index_of(dir)], checksum)) {
    hold_suspect(dir, tcp, payload);
    return;
  }
  ReassemblyStats& stats = owner_->stats_;
  if (tcp.has(tcp_flag::urg)) ++stats.urg;
  if (tcp.has(tcp_flag::rst)) {
    handle_rst(dir, tcp, consumer);
    return;
  }
  StreamDirection& d = directions_[core::index_of(dir)];
  StreamDirection& peer = directions_[core::index_of(core::opposite(dir))];
  if (tcp.has(tcp_flag::syn)) handle_syn(d, tcp);
  // A SYN occupies one sequence number; its payload (TCP fast open) starts after it.
  const std::uint32_t data_seq = tcp.seq + (tcp.has(tcp_flag::syn) ? 1u : 0u);
  if (beyond_reach(d, data_seq)) {
    ++stats.segment_out_of_window;
    return;
  }
  // Only a segment inside the receiver's window may move what RSTs and ACKs are checked against.
  const std::uint64_t peer_window = receive_window(peer.wire, d.wire, owner_->options_.unknown_window_bytes);
  const bool trusted = seq_in_window(d.wire, tcp.seq, peer_window);
  if (trusted) {
    d.wire.note_sent(tcp, payload.size());
    // The ACK speaks about the other direction's bytes, sent before this segment: handle it first.
    if (tcp.has(tcp_flag::ack)) handle_ack(core::opposite(dir), tcp.ack);
    // Anything this direction sends at or past the ACKed point was sent after the ACKed bytes; on
    // one capture path those would have come first, so they are lost.
    const bool after_acked = d.offset_of(data_seq) >= static_cast<std::int64_t>(d.acked);
    if (d.state == StreamState::open && d.has_acked_hole() && after_acked) declare_acked_holes(dir, consumer);
  }
  const std::uint64_t next_before = d.next;
  const bool fin = tcp.has(tcp_flag::fin);
  if (!stopped_ && (!payload.empty() || fin)) handle_data(dir, data_seq, payload, fin, consumer);
  wait_for_acked_data(dir, d.next != next_before, consumer);
}

void TcpSession::hold_suspect(Direction dir, const decode::TcpInfo& tcp, Bytes payload) {
  StreamDirection& d = directions_[core::index_of(dir)];
  if (d.state != StreamState::open || payload.empty()) return;
  const std::uint32_t data_seq = tcp.seq + (tcp.has(tcp_flag::syn) ? 1u : 0u);
  if (beyond_reach(d, data_seq)) return;
  const std::int64_t signed_begin = d.offset_of(data_seq);
  const std::int64_t signed_end = signed_begin + static_cast<std::int64_t>(payload.size());
  if (signed_end <= static_cast<std::int64_t>(d.next)) return;
  const std::uint64_t begin = std::max<std::uint64_t>(static_cast<std::uint64_t>(std::max<std::int64_t>(signed_begin, 0)), d.next);
  payload = payload.subspan(static_cast<std::size_t>(begin - static_cast<std::uint64_t>(signed_begin)));
  // First copy wins among stand-ins; with no room the segment is simply not kept.
  const SegmentList::InsertResult r = d.suspect.insert(owner_->pool_, begin, payload, owner_->max_chunks_per_direction_);
  if (r.status == SegmentList::InsertStatus::inserted) owner_->stats_.segment_from_pool += r.chunks_taken;
}

void TcpSession::handle_rst(Direction dir, const decode::TcpInfo& tcp, StreamConsumer& consumer) {
  ReassemblyStats& stats = owner_->stats_;
  ++stats.rst;
  const StreamDirection& sender = directions_[core::index_of(dir)];
  const StreamDirection& receiver = directions_[core::index_of(core::opposite(dir))];
  const std::uint64_t window = receive_window(receiver.wire, sender.wire, owner_->options_.unknown_window_bytes);
  if (!rst_in_window(sender.wire, receiver.wire, tcp, window)) {
    ++stats.rst_invalid;  // a forged RST must not blind the sensor to the rest of the flow
    return;
  }
  // What arrived before the reset is still delivered, holes reported; nothing after it is.
  flush(Direction::to_server, consumer);
  flush(Direction::to_client, consumer);
  reset_ = true;
  for (StreamDirection& d : directions_) {
    if (d.state == StreamState::open) d.state = StreamState::closed;
  }
  release_buffers();
}

bool TcpSession::beyond_reach(const StreamDirection& d, std::uint32_t seq) const {
  if (d.state == StreamState::unseen) return false;
  const std::int64_t begin = d.offset_of(seq);
  return begin > static_cast<std::int64_t>(d.next) &&
         static_cast<std::uint64_t>(begin) - d.next > owner_->options_.max_ahead_bytes;
}

void TcpSession::handle_syn(StreamDirection& d, const decode::TcpInfo& tcp) {
  ReassemblyStats& stats = owner_->stats_;
  ++(tcp.has(tcp_flag::ack) ? stats.synack : stats.syn);
  // A SYN retransmitted with a new ISN restarts the direction while nothing has been taken from it.
  const bool untouched = d.syn_seen && d.state == StreamState::open && d.next == 0 && d.reference == 0 &&
                         d.pending.empty();
  if (d.state != StreamState::unseen && !untouched) return;
  d.start(tcp.seq + 1);
  d.acked = 0;
  d.unfilled_segments = 0;
  d.syn_seen = true;
}

void TcpSession::handle_ack(Direction acked, std::uint32_t ack) {
  StreamDirection& d = directions_[core::index_of(acked)];
  const StreamDirection& receiver = directions_[core::index_of(core::opposite(acked))];
  const std::uint64_t window = receive_window(receiver.wire, d.wire, owner_->options_.unknown_window_bytes);
  if (!ack_in_window(d.wire, ack, window)) {
    ++owner_->stats_.ack_out_of_window;  // a forged ACK far ahead would otherwise mark a huge hole
    return;
  }
  d.wire.note_acked(ack);
  if (halted(d)) return;
  const std::int64_t acked_offset = d.offset_of(ack);
  if (acked_offset <= static_cast<std::int64_t>(d.next)) return;
  // The receiver has every byte below the ACK. What we lack there is only marked: on a span port
  // the ACK is often captured before the data, which is then still delivered when it comes.
  std::uint64_t target = static_cast<std::uint64_t>(acked_offset);
  if (d.fin_seen) target = std::min(target, d.fin_offset);  // the FIN itself occupies one number
  d.acked = std::max(d.acked, target);
}

void TcpSession::declare_acked_holes(Direction dir, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  const SegmentPool& pool = owner_->pool_;
  while (true) {
    drain(dir, d.next, {}, consumer);
    if (halted(d) || d.next >= d.acked) break;
    const std::uint32_t head = d.pending.head();
    const std::uint64_t hole_end = head == SegmentPool::none ? d.acked : std::min(d.acked, pool.chunk(head).offset);
    gap(dir, hole_end - d.next, consumer);
  }
  d.unfilled_segments = 0;
}

void TcpSession::wait_for_acked_data(Direction dir, bool progressed, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  if (halted(d) || !d.has_acked_hole() || progressed) {
    d.unfilled_segments = 0;
    return;
  }
  const std::uint32_t limit = owner_->options_.ack_unseen_wait_segments;
  if (limit == 0 || ++d.unfilled_segments < limit) return;
  ++owner_->stats_.ack_unseen_wait_exceeded;
  declare_acked_holes(dir, consumer);
}

void TcpSession::handle_data(Direction dir, std::uint32_t seq, Bytes payload, bool fin, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  ReassemblyStats& stats = owner_->stats_;
  if (d.state == StreamState::unseen) {
    if (payload.empty()) return;  // a bare FIN of a direction never seen carries nothing to deliver
    d.start(seq);
    if (!midstream_counted_) {
      ++stats.midstream_pickups;
      midstream_counted_ = true;
    }
    // An unknown number of earlier bytes exist: gap(0) lets the consumer resynchronise.
    apply(dir, consumer.gap(dir, 0));
    after_advance(d);
  }
  const std::int64_t signed_begin = d.offset_of(seq);
  const std::int64_t signed_end = signed_begin + static_cast<std::int64_t>(payload.size());
  if (fin && !d.fin_seen && signed_end >= 0) {
    d.fin_seen = true;
    d.fin_offset = static_cast<std::uint64_t>(signed_end);
    d.acked = std::min(d.acked, d.fin_offset);
    after_advance(d);
  }
  if (halted(d) || signed_end <= 0) return;
  if (signed_begin < 0) payload = payload.subspan(static_cast<std::size_t>(-signed_begin));
  const std::uint64_t begin = static_cast<std::uint64_t>(std::max<std::int64_t>(signed_begin, 0));
  std::uint64_t end = static_cast<std::uint64_t>(signed_end);
  if (d.fin_seen && end > d.fin_offset) {  // nothing is sent after a FIN
    if (begin >= d.fin_offset) return;
    payload = payload.first(static_cast<std::size_t>(d.fin_offset - begin));
    end = d.fin_offset;
  }

  OverlapSeen seen;
  if (begin < d.next) {
    // Bytes below `next` were delivered (kept: first data wins), unless a skip or gap passed them.
    const std::uint64_t old_end = std::min(end, d.next);
    seen.overlap = begin < d.passed_begin || old_end > d.passed_end;
  }
  seen |= buffer_or_declare_hole(dir, begin, payload, consumer);
  if (seen.overlap) ++stats.overlap;
  if (seen.diff_data) ++stats.overlap_diff_data;
}

TcpSession::OverlapSeen TcpSession::buffer_or_declare_hole(Direction dir, std::uint64_t begin, Bytes bytes,
                                                           StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  SegmentPool& pool = owner_->pool_;
  ReassemblyStats& stats = owner_->stats_;
  OverlapSeen seen;
  bool limit_counted = false;
  while (!halted(d)) {
    if (begin <= d.next) {
      d.reference = std::max(d.reference, begin + bytes.size());
      seen |= drain(dir, begin, bytes, consumer);
      return seen;
    }
    const SegmentList::InsertResult r = d.pending.insert(pool, begin, bytes, owner_->max_chunks_per_direction_);
    if (r.status == SegmentList::InsertStatus::inserted) {
      stats.segment_from_pool += r.chunks_taken;
      seen.overlap |= r.overlap;
      seen.diff_data |= r.diff_data;
      return seen;
    }
    if (!limit_counted) {
      ++(r.status == SegmentList::InsertStatus::pool_exhausted ? stats.segment_memcap_drop
                                                                : stats.segment_direction_cap_drop);
      limit_counted = true;
    }
    // No room to wait for the first hole to fill: declare it lost so that what lies beyond it
    // (buffered bytes, or this segment) moves on and frees room.
    const std::uint32_t head = d.pending.head();
    const std::uint64_t hole_end = head == SegmentPool::none ? begin : std::min(begin, pool.chunk(head).offset);
    gap(dir, hole_end - d.next, consumer);
    seen |= drain(dir, begin, bytes, consumer);
  }
  return seen;
}

TcpSession::OverlapSeen TcpSession::drain(Direction dir, std::uint64_t begin, Bytes bytes, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  SegmentPool& pool = owner_->pool_;
  const std::uint64_t end = begin + bytes.size();
  OverlapSeen seen;
  while (!halted(d)) {
    const std::uint32_t head = d.pending.head();
    if (head != SegmentPool::none && pool.chunk(head).offset <= d.next && begin < pool.chunk(head).offset &&
        d.next < end) {
      // The segment starts before the buffered bytes and covers them: its bytes win (what Linux,
      // Windows and BSD receivers keep, Suricata's default); the buffered copy is trimmed away.
      const SegmentChunk piece = pool.chunk(head);
      const std::uint64_t until = std::min(end, piece.end());
      seen.overlap = true;
      seen.diff_data |= differs(begin, bytes, piece.offset, pool.bytes(head));
      feed(dir, bytes.subspan(static_cast<std::size_t>(d.next - begin), static_cast<std::size_t>(until - d.next)),
           consumer);
      d.pending.trim_before(pool, d.next);
      continue;
    }
    if (head != SegmentPool::none && pool.chunk(head).offset <= d.next) {
      const SegmentChunk piece = pool.chunk(head);
      const Bytes held = pool.bytes(head);
      if (piece.offset < end && piece.end() > begin) {
        // The segment started at or after the buffered bytes: the buffered ones win.
        seen.overlap = true;
        seen.diff_data |= differs(begin, bytes, piece.offset, held);
      }
      d.pending.unlink_front(pool);
      feed(dir, held, consumer);  // the chunk is released only after the consumer is done with it
      pool.release(head);
      continue;
    }
    if (d.next >= begin && d.next < end) {
      // Straight from the packet: zero copy, up to the next buffered chunk.
      const std::uint64_t until = head == SegmentPool::none ? end : std::min(end, pool.chunk(head).offset);
      feed(dir, bytes.subspan(static_cast<std::size_t>(d.next - begin), static_cast<std::size_t>(until - d.next)),
           consumer);
      continue;
    }
    return seen;
  }
  return seen;
}

void TcpSession::flush(Direction dir, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  const SegmentPool& pool = owner_->pool_;
  while (true) {
    drain(dir, d.next, {}, consumer);
    if (halted(d)) return;
    std::uint64_t hole_end = 0;
    // The FIN, or else the peer's ACK or bytes held from bad-checksum segments, tell how long the stream was.
    const std::uint64_t tail =
        std::max({d.acked, d.fin_seen ? d.fin_offset : 0, d.suspect.empty() ? 0 : d.suspect.end(owner_->pool_)});
    if (const std::uint32_t head = d.pending.head(); head != SegmentPool::none) {
      hole_end = pool.chunk(head).offset;
    } else if (d.next < tail) {
      hole_end = tail;
    } else {
      return;
    }
    gap(dir, hole_end - d.next, consumer);
  }
}

void TcpSession::finish(StreamConsumer& consumer) {
  if (owner_ == nullptr || finished_) return;
  if (!stopped_ && !reset_) {
    flush(Direction::to_server, consumer);
    flush(Direction::to_client, consumer);
  }
  release_buffers();
  finished_ = true;
  --owner_->stats_.active_sessions;
  consumer.finish();
}

void TcpSession::feed(Direction dir, Bytes bytes, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  const std::uint64_t depth = owner_->options_.depth;
  if (depth != 0 && d.next + bytes.size() > depth) {
    bytes = bytes.first(static_cast<std::size_t>(depth > d.next ? depth - d.next : 0));
  }
  if (!bytes.empty()) {
    const StreamVerdict verdict = consumer.feed(dir, bytes);
    d.next += bytes.size();
    apply(dir, verdict);
  }
  after_advance(d);
}

void TcpSession::gap(Direction dir, std::uint64_t length, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  SegmentPool& pool = owner_->pool_;
  const std::uint64_t end = saturating_add(d.next, length);
  while (!d.suspect.empty() && !halted(d) && d.next < end) {
    d.suspect.trim_before(pool, d.next);
    const std::uint32_t head = d.suspect.head();
    if (head == SegmentPool::none || pool.chunk(head).offset >= end) break;
    const SegmentChunk piece = pool.chunk(head);
    if (piece.offset > d.next) {
      report_gap(dir, piece.offset - d.next, consumer);
      continue;
    }
    const std::uint64_t until = std::min(end, piece.end());
    owner_->stats_.checksum_fallback_bytes += until - d.next;
    // The chunk stays linked while the consumer reads it; after_advance trims it once it is read.
    feed(dir, pool.bytes(head).first(static_cast<std::size_t>(until - d.next)), consumer);
  }
  if (!halted(d) && (d.next < end || length == 0)) report_gap(dir, end - d.next, consumer);
}

void TcpSession::report_gap(Direction dir, std::uint64_t length, StreamConsumer& consumer) {
  StreamDirection& d = directions_[core::index_of(dir)];
  ++owner_->stats_.reassembly_gap;
  if (d.next < d.acked) ++owner_->stats_.ack_unseen_data;  // the receiver had bytes the capture lost
  const StreamVerdict verdict = consumer.gap(dir, length);
  d.passed_begin = d.next;
  d.next = saturating_add(d.next, length);
  d.passed_end = d.next;
  apply(dir, verdict);
  after_advance(d);
}

void TcpSession::apply(Direction dir, StreamVerdict verdict) {
  switch (verdict.want) {
    case StreamVerdict::Want::more:
      return;
    case StreamVerdict::Want::skip: {
      StreamDirection& d = directions_[core::index_of(dir)];
      d.passed_begin = d.next;
      d.next = saturating_add(d.next, verdict.skip_bytes);
      d.passed_end = d.next;
      d.pending.trim_before(owner_->pool_, d.next);
      return;
    }
    case StreamVerdict::Want::stop:
      if (!stopped_) ++owner_->stats_.bypassed;
      stopped_ = true;
      release_buffers();
      return;
  }
}

void TcpSession::after_advance(StreamDirection& d) {
  if (d.state != StreamState::open) return;
  // Stand-ins a good copy has overtaken are of no more use.
  if (!d.suspect.empty()) d.suspect.trim_before(owner_->pool_, d.next);
  const std::uint64_t depth = owner_->options_.depth;
  if (depth != 0 && d.next >= depth) {
    d.state = StreamState::depth_reached;
    ++owner_->stats_.stream_depth_reached;
    d.pending.clear(owner_->pool_);
    d.suspect.clear(owner_->pool_);
    return;
  }
  if (d.fin_seen && d.next >= d.fin_offset) {
    d.state = StreamState::closed;
    d.pending.clear(owner_->pool_);
    d.suspect.clear(owner_->pool_);
  }
}

void TcpSession::release_buffers() {
  if (owner_ == nullptr) return;
  for (StreamDirection& d : directions_) {
    d.pending.clear(owner_->pool_);
    d.suspect.clear(owner_->pool_);
  }
}

}  // namespace spanwatch::flow::tcp
