#pragma once
// One TCP connection's sequence and acknowledgement bookkeeping, so a test writes a conversation as
// "client sends X, server sends Y" and gets byte-exact frames with consistent seq/ack numbers.
// Segments can also be rebuilt at an earlier sequence number (retransmissions, overlaps, reordering).
#include <cstdint>
#include <span>
#include <vector>

#include "support/packet_builder.hpp"

namespace spanwatch::testing {

enum class Side : std::uint8_t { client, server };

class TcpConversation {
 public:
  static constexpr std::size_t default_mss = 1460;

  TcpConversation(const Address& client, std::uint16_t client_port, const Address& server, std::uint16_t server_port,
                  std::uint32_t client_isn, std::uint32_t server_isn, const EthernetOptions& eth = {})
      : address_{client, server}, port_{client_port, server_port}, next_seq_{client_isn, server_isn}, eth_(eth) {}

  // SYN, SYN-ACK, ACK with the usual options (MSS 1460, SACK permitted, window scale 7).
  Frame syn() { return control(Side::client, tcp_flags::syn, true); }
  Frame syn_ack() { return control(Side::server, tcp_flags::syn | tcp_flags::ack, true); }
  Frame handshake_ack() { return ack(Side::client); }
  std::vector<Frame> handshake() { return {syn(), syn_ack(), handshake_ack()}; }

  Frame ack(Side from) { return build(from, next_seq_[index(from)], tcp_flags::ack, {}); }
  Frame fin(Side from) { return control(from, tcp_flags::fin | tcp_flags::ack, false); }
  Frame rst(Side from) { return build(from, next_seq_[index(from)], tcp_flags::rst | tcp_flags::ack, {}); }

  // In-order data from one side, cut into segments of at most `mss` bytes (PSH on the last).
  std::vector<Frame> send(Side from, std::span<const std::uint8_t> payload, std::size_t mss = default_mss) {
    std::vector<Frame> out;
    for (std::size_t at = 0; at < payload.size(); at += mss) {
      const auto piece = payload.subspan(at, std::min(mss, payload.size() - at));
      const bool last = at + piece.size() == payload.size();
      out.push_back(segment_at(from, next_seq_[index(from)], piece, last));
      next_seq_[index(from)] += static_cast<std::uint32_t>(piece.size());
    }
    return out;
  }

  // A data segment at an explicit sequence number; does not move the side's next sequence number.
  Frame segment_at(Side from, std::uint32_t seq, std::span<const std::uint8_t> payload, bool push = true) {
    return build(from, seq, static_cast<std::uint8_t>(tcp_flags::ack | (push ? tcp_flags::psh : 0)), payload);
  }
  // Moves a side's next sequence number past data sent out of band (e.g. with segment_at).
  void advance(Side from, std::uint32_t bytes) { next_seq_[index(from)] += bytes; }

  std::uint32_t next_seq(Side side) const { return next_seq_[index(side)]; }
  const Address& address(Side side) const { return address_[index(side)]; }
  std::uint16_t port(Side side) const { return port_[index(side)]; }
  const EthernetOptions& ethernet_options() const { return eth_; }

  // The bare transport bytes of a segment (for callers that fragment at the IP layer).
  std::vector<std::uint8_t> tcp_payload_bytes(Side from, std::span<const std::uint8_t> payload) {
    TcpSegment s = segment_fields(from, next_seq_[index(from)], tcp_flags::ack | tcp_flags::psh, payload);
    next_seq_[index(from)] += static_cast<std::uint32_t>(payload.size());
    return tcp_bytes(address(from), address(other(from)), s);
  }

  static Side other(Side side) { return side == Side::client ? Side::server : Side::client; }

 private:
  static std::size_t index(Side side) { return side == Side::client ? 0 : 1; }

  TcpSegment segment_fields(Side from, std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload) {
    TcpSegment s;
    s.sport = port(from);
    s.dport = port(other(from));
    s.seq = seq;
    s.flags = flags;
    // The ACK number is whatever the other side has sent so far (0 on a bare SYN).
    s.ack = (flags & tcp_flags::ack) ? next_seq_[index(other(from))] : 0;
    s.window = 502;
    s.payload.assign(payload.begin(), payload.end());
    return s;
  }
  Frame build(Side from, std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload) {
    const TcpSegment s = segment_fields(from, seq, flags, payload);
    return tcp_frame(address(from), address(other(from)), s, eth_, ip_id_[index(from)]++);
  }
  // SYN and FIN consume one sequence number.
  Frame control(Side from, std::uint8_t flags, bool with_options) {
    TcpSegment s = segment_fields(from, next_seq_[index(from)], flags, {});
    if (with_options) {
      s.window = 64240;
      s.options = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2};  // MSS 1460, window scale 7, SACK permitted
    }
    next_seq_[index(from)] += 1;
    return tcp_frame(address(from), address(other(from)), s, eth_, ip_id_[index(from)]++);
  }

  Address address_[2];
  std::uint16_t port_[2];
  std::uint32_t next_seq_[2];
  std::uint16_t ip_id_[2] = {0x1000, 0x4000};
  EthernetOptions eth_;
};

}  // namespace spanwatch::testing
