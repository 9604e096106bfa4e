#pragma once
// Reassembly of one TCP flow (both directions) into in-order byte streams for a StreamConsumer.
// The engine keeps one TcpSession per flow in a preallocated array; Reassembler::open() binds it to
// the worker's pool and stats and resets it for reuse. Nothing here allocates: out-of-order bytes go
// to the Reassembler's SegmentPool.
//
// Delivery: bytes in order are handed over as views into the packet's payload (zero copy); bytes
// ahead of a hole are copied into the pool and handed over from there once the hole is filled or
// declared lost with gap(n). An ACK past a hole only marks it (the ACK is often captured before the
// data); the hole is declared lost on evidence the data is not coming: the same direction sends
// something at or past the ACKed point, ack_unseen_wait_segments segments without progress, buffering
// limits, RST or finish(). RSTs, ACKs and far-ahead segments are checked against the receiver's
// window (sequence_window.hpp) so forged ones cannot end or skew the session. Overlaps: first data
// wins (see segment_list.hpp); bytes already delivered are not kept, so overlap_diff_data can only
// compare against bytes still buffered.
#include <array>
#include <cstdint>

#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "core/timestamp.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/tcp/stream_consumer.hpp"
#include "flow/tcp/stream_direction.hpp"

namespace spanwatch::flow::tcp {

class Reassembler;

// The segment's TCP checksum, when the engine computed it (Reassembler::checks_checksums()).
enum class SegmentChecksum : std::uint8_t { unchecked, good, bad };

class TcpSession {
 public:
  // `dir` is relative to the flow's client. `payload` must be the segment's TCP payload (it is
  // handed to the consumer as is when in order). A segment with a bad checksum may be ignored (see
  // ChecksumValidation). Does nothing before Reassembler::open().
  void on_segment(core::Direction dir, const decode::TcpInfo& tcp, core::Bytes payload, core::Timestamp ts,
                  StreamConsumer& consumer, SegmentChecksum checksum = SegmentChecksum::unchecked);
  // The flow ended: delivers what can be delivered, reports the remaining holes as gaps, then calls
  // consumer.finish() (also after stop). Returns the buffered chunks to the pool. Idempotent.
  void finish(StreamConsumer& consumer);

  // The consumer answered stop: later segments are ignored after one check.
  bool stopped() const { return stopped_; }
  // Both directions sent a FIN, or a RST was seen.
  bool closed() const { return reset_ || (directions_[0].fin_seen && directions_[1].fin_seen); }
  bool finished() const { return finished_; }
  // Nothing more can ever be delivered: reset, or both directions handed over up to their FIN (or
  // their depth). finish() then changes nothing but when the consumer hears about the end, so the
  // engine may call it at once instead of waiting for the flow to time out.
  bool complete() const {
    if (reset_) return true;
    for (const StreamDirection& d : directions_) {
      if (d.state == StreamState::unseen || d.state == StreamState::open) return false;
    }
    return true;
  }

  // Introspection for the engine's bookkeeping and for tests.
  StreamState state(core::Direction dir) const { return directions_[core::index_of(dir)].state; }
  std::uint64_t next_offset(core::Direction dir) const { return directions_[core::index_of(dir)].next; }
  std::uint32_t buffered_chunks(core::Direction dir) const {
    return directions_[core::index_of(dir)].pending.chunk_count();
  }

 private:
  friend class Reassembler;

  // Whether a segment overlapped bytes already delivered or held, and held bytes that differ.
  struct OverlapSeen {
    bool overlap = false;
    bool diff_data = false;
    OverlapSeen& operator|=(const OverlapSeen& other) {
      overlap |= other.overlap;
      diff_data |= other.diff_data;
      return *this;
    }
  };

  void handle_syn(StreamDirection& d, const decode::TcpInfo& tcp);
  // A RST inside the receiver's window ends the session; others are counted and ignored.
  void handle_rst(core::Direction dir, const decode::TcpInfo& tcp, StreamConsumer& consumer);
  // Whether a segment starting at `seq` lies more than max_ahead_bytes beyond delivery.
  bool beyond_reach(const StreamDirection& d, std::uint32_t seq) const;
  // Marks the bytes below an in-window ACK as received by the peer (acked); declares nothing.
  void handle_ack(core::Direction acked, std::uint32_t ack);
  // Declares the marked holes up to `acked` lost, delivering the buffered bytes between them.
  void declare_acked_holes(core::Direction dir, StreamConsumer& consumer);
  // Counts segments of a direction with a marked hole that brought no progress; declares the holes
  // when ack_unseen_wait_segments is reached.
  void wait_for_acked_data(core::Direction dir, bool progressed, StreamConsumer& consumer);
  void handle_data(core::Direction dir, std::uint32_t seq, core::Bytes payload, bool fin, StreamConsumer& consumer);
  // Buffers a segment that starts beyond `next`, or delivers it once it is in order; when buffering
  // limits are hit, declares the first hole lost instead of dropping data.
  OverlapSeen buffer_or_declare_hole(core::Direction dir, std::uint64_t begin, core::Bytes bytes,
                                     StreamConsumer& consumer);
  // Hands over everything contiguous from `next`: buffered chunks and the given segment's bytes
  // (which start at `begin` <= next), interleaved in stream order.
  OverlapSeen drain(core::Direction dir, std::uint64_t begin, core::Bytes bytes, StreamConsumer& consumer);
  // Declares every remaining hole of a direction lost, up to its FIN or the peer's ACK, and delivers
  // what lies beyond (RST, finish).
  void flush(core::Direction dir, StreamConsumer& consumer);

  // Keeps the data of a segment with a bad checksum as a stand-in (StreamDirection::suspect).
  void hold_suspect(core::Direction dir, const decode::TcpInfo& tcp, core::Bytes payload);
  void feed(core::Direction dir, core::Bytes bytes, StreamConsumer& consumer);
  // Declares [next, next + length) lost: bytes held from bad-checksum segments are delivered for the
  // parts they cover, the rest is reported to the consumer as gaps.
  void gap(core::Direction dir, std::uint64_t length, StreamConsumer& consumer);
  void report_gap(core::Direction dir, std::uint64_t length, StreamConsumer& consumer);
  void apply(core::Direction dir, StreamVerdict verdict);
  void after_advance(StreamDirection& d);
  void release_buffers();

  bool halted(const StreamDirection& d) const { return stopped_ || d.state != StreamState::open; }

  Reassembler* owner_ = nullptr;
  std::array<StreamDirection, 2> directions_{};
  bool stopped_ = false;
  bool reset_ = false;
  bool finished_ = false;
  bool midstream_counted_ = false;
};

}  // namespace spanwatch::flow::tcp
