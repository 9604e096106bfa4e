#include "evasive_connection.hpp"

#include <algorithm>
#include <vector>

namespace spanwatch::evasion {

namespace {
using testing::TcpSegment;
namespace tcp_flags = testing::tcp_flags;

Side other(Side side) { return side == Side::client ? Side::server : Side::client; }
}  // namespace

void Capture::write(const Frame& frame) {
  writer_.write(static_cast<std::int64_t>(now_ns_ / 1000000000ull), static_cast<std::uint32_t>(now_ns_ % 1000000000ull),
                frame);
  now_ns_ += 50000;
}

EvasiveConnection::EvasiveConnection(Capture& capture, const Script& script, const Technique& technique,
                                     std::uint32_t client_isn, std::uint32_t server_isn)
    : capture_(capture), script_(script), technique_(technique), next_seq_{client_isn, server_isn} {}

void EvasiveConnection::play() {
  if (technique_.start == Start::handshake) {
    segment(Side::client, next_seq_[0], tcp_flags::syn, {});
    ++next_seq_[0];
    segment(Side::server, next_seq_[1], tcp_flags::syn | tcp_flags::ack, {});
    ++next_seq_[1];
    segment(Side::client, next_seq_[0], tcp_flags::ack, {});
  } else {
    ++next_seq_[0];
    ++next_seq_[1];
  }
  for (const Message& m : script_.messages) {
    if (m.prologue && technique_.start == Start::after_negotiate) {
      next_seq_[index(m.from)] += static_cast<std::uint32_t>(m.bytes.size());  // sent before the capture began
      continue;
    }
    send(m);
  }
  capture_.advance(1000000);
  segment(Side::client, next_seq_[0], tcp_flags::fin | tcp_flags::ack, {});
  ++next_seq_[0];
  segment(Side::server, next_seq_[1], tcp_flags::fin | tcp_flags::ack, {});
  ++next_seq_[1];
  segment(Side::client, next_seq_[0], tcp_flags::ack, {});
  capture_.advance(50000000);
}

void EvasiveConnection::send(const Message& m) {
  capture_.advance(m.pause_ns + 200000);
  const Side from = m.from;
  const std::uint32_t base = next_seq_[index(from)];
  const std::size_t n = m.bytes.size();
  const Frame decoy = decoy_of(m);
  const bool fragment_target = technique_.fragments == Fragments::overlap_real_first ||
                               (technique_.fragments == Fragments::overlap_junk_first && m.critical);
  const bool retransmit_target = technique_.overlap == Overlap::retransmit_real_first ||
                                 ((technique_.overlap == Overlap::retransmit_junk_first ||
                                   technique_.overlap == Overlap::retransmit_junk_first_bad_checksum) &&
                                  m.critical);
  const std::span<const std::uint8_t> piece_decoy = (fragment_target || retransmit_target)
                                                        ? std::span<const std::uint8_t>(decoy)
                                                        : std::span<const std::uint8_t>();

  const bool buffered = (technique_.overlap == Overlap::buffered_real_first) ||
                        (technique_.overlap == Overlap::buffered_junk_first && m.critical);
  const bool covering = m.critical && (technique_.overlap == Overlap::covering_real_first ||
                                      technique_.overlap == Overlap::covering_junk_first);
  if (covering && n >= 2) {
    // The tail beyond a hole, then the other copy of the whole message in one segment.
    const std::size_t cut = std::clamp<std::size_t>(first_difference(m), 1, n - 1);
    const bool junk_first = technique_.overlap == Overlap::covering_junk_first;
    segment(from, base + static_cast<std::uint32_t>(cut), tcp_flags::ack | tcp_flags::psh,
            std::span<const std::uint8_t>(junk_first ? decoy : m.bytes).subspan(cut));
    segment(from, base, tcp_flags::ack | tcp_flags::psh, junk_first ? m.bytes : decoy);
  } else if (buffered && n >= 2) {
    // The tail first (twice, conflicting), leaving a hole at the head, then the head fills it.
    const std::size_t cut = std::clamp<std::size_t>(first_difference(m), 1, n - 1);
    const bool junk_first = technique_.overlap == Overlap::buffered_junk_first;
    send_pieces(from, base, junk_first ? decoy : m.bytes, cut, n, false, {});
    send_pieces(from, base, junk_first ? m.bytes : decoy, cut, n, false, {});
    send_pieces(from, base, m.bytes, 0, cut, false, {});
  } else {
    send_pieces(from, base, m.bytes, 0, n, fragment_target, piece_decoy);
  }
  next_seq_[index(from)] = base + static_cast<std::uint32_t>(n);
  // The receiver acknowledges the whole message.
  capture_.advance(100000);
  segment(other(from), next_seq_[index(other(from))], tcp_flags::ack, {});
}

void EvasiveConnection::send_pieces(Side from, std::uint32_t base, std::span<const std::uint8_t> bytes,
                                    std::size_t begin, std::size_t end, bool target_fragments,
                                    std::span<const std::uint8_t> decoy) {
  std::vector<Piece> pieces;
  for (std::size_t at = begin; at < end; at += technique_.segment_size)
    pieces.push_back({at, std::min(end, at + technique_.segment_size)});
  if (technique_.order == Order::reversed) std::reverse(pieces.begin(), pieces.end());

  const bool retransmit_real_first = technique_.overlap == Overlap::retransmit_real_first;
  const bool bad_checksum = technique_.overlap == Overlap::retransmit_junk_first_bad_checksum;
  const bool retransmit_junk_first =
      (technique_.overlap == Overlap::retransmit_junk_first || bad_checksum) && !decoy.empty();
  for (const Piece& p : pieces) {
    const auto real = bytes.subspan(p.begin, p.end - p.begin);
    const auto seq = base + static_cast<std::uint32_t>(p.begin);
    const auto junk = decoy.empty() ? std::span<const std::uint8_t>() : decoy.subspan(p.begin, p.end - p.begin);
    const std::uint8_t flags = tcp_flags::ack | tcp_flags::psh;
    if (retransmit_junk_first) segment(from, seq, flags, junk, {}, bad_checksum);
    segment(from, seq, flags, real, target_fragments ? junk : std::span<const std::uint8_t>());
    if (retransmit_real_first && !junk.empty()) segment(from, seq, flags, junk);
  }
}

void EvasiveConnection::segment(Side from, std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload,
                                std::span<const std::uint8_t> decoy, bool bad_checksum) {
  TcpSegment s;
  s.sport = port(from);
  s.dport = port(other(from));
  s.seq = seq;
  s.flags = flags;
  s.ack = (flags & tcp_flags::ack) ? next_seq_[index(other(from))] : 0;
  s.window = 65535;
  if (flags & tcp_flags::syn) s.options = {2, 4, 0x05, 0xb4};  // MSS 1460; no window scaling
  s.payload.assign(payload.begin(), payload.end());
  Frame tcp = testing::tcp_bytes(address(from), address(other(from)), s);
  if (bad_checksum) tcp[16] = static_cast<std::uint8_t>(tcp[16] ^ 0x5a);
  if (decoy.empty()) return emit_datagram(from, tcp, nullptr);
  s.payload.assign(decoy.begin(), decoy.end());
  const Frame decoy_tcp = testing::tcp_bytes(address(from), address(other(from)), s);
  emit_datagram(from, tcp, &decoy_tcp);
}

void EvasiveConnection::emit_datagram(Side from, const Frame& tcp, const Frame* decoy_tcp) {
  const std::uint16_t id = ip_id_[index(from)]++;
  const Address& src = address(from);
  const Address& dst = address(other(from));
  const bool has_payload = tcp.size() > 20 + 4;  // data beyond the header (and SYN options)
  if (technique_.fragments == Fragments::none || !has_payload) {
    if (src.v6) return capture_.write(testing::ethernet(testing::ipv6_bytes(src, dst, 6, tcp), 0x86dd, technique_.ethernet));
    testing::Ipv4Options o;
    o.id = id;
    return capture_.write(testing::ethernet(testing::ipv4_bytes(src, dst, 6, tcp, o), 0x0800, technique_.ethernet));
  }
  const std::size_t count = (tcp.size() + technique_.fragment_size - 1) / technique_.fragment_size;
  if (decoy_tcp == nullptr || count < 2) return emit_fragments(from, tcp, 0, count, id);
  // Fragments 1..n of both copies, in the technique's order, then fragment 0 completes the datagram.
  const bool real_first = technique_.fragments == Fragments::overlap_real_first;
  emit_fragments(from, real_first ? tcp : *decoy_tcp, 1, count, id);
  emit_fragments(from, real_first ? *decoy_tcp : tcp, 1, count, id);
  emit_fragments(from, tcp, 0, 1, id);
}

void EvasiveConnection::emit_fragments(Side from, const Frame& body, std::size_t first, std::size_t last,
                                       std::uint16_t id) {
  const Address& src = address(from);
  const Address& dst = address(other(from));
  for (std::size_t i = first; i < last; ++i) {
    const std::size_t offset = i * technique_.fragment_size;
    const std::size_t end = std::min(body.size(), offset + technique_.fragment_size);
    const Frame piece(body.begin() + static_cast<std::ptrdiff_t>(offset), body.begin() + static_cast<std::ptrdiff_t>(end));
    const bool more = end < body.size();
    if (src.v6) {
      const auto header = testing::ipv6_fragment_body(static_cast<std::uint16_t>(offset), more, 0x5000u + id);
      capture_.write(testing::ethernet(testing::ipv6_bytes(src, dst, 6, piece, {{44, header}}), 0x86dd,
                                       technique_.ethernet));
    } else {
      testing::Ipv4Options o;
      o.id = id;
      o.fragment_offset_bytes = static_cast<std::uint16_t>(offset);
      o.more_fragments = more;
      capture_.write(testing::ethernet(testing::ipv4_bytes(src, dst, 6, piece, o), 0x0800, technique_.ethernet));
    }
  }
}

}  // namespace spanwatch::evasion
