#pragma once
// Puts a Script on the wire the way an evading attacker would: segment size, segment order,
// conflicting retransmissions (in order or beyond a hole), IP fragmentation with or without
// conflicting fragments, VLAN/QinQ tags, and a capture that starts after the handshake.
#include <cstdint>
#include <span>
#include <string>

#include "session_script.hpp"
#include "support/packet_builder.hpp"
#include "support/pcap_writer.hpp"

namespace spanwatch::evasion {

enum class Order : std::uint8_t { in_order, reversed };

// Conflicting TCP data. real_first / junk_first say which bytes for the same sequence numbers the
// capture carries first; "retransmit" overlaps at the delivery point, "buffered" beyond a hole (the
// tail of the message comes first, twice, then its head). real_first applies to every message (the
// junk is the message's decoy), junk_first to the critical message only. "covering" (critical message
// only): one copy of the tail is buffered beyond a hole, then the other copy of the whole message
// arrives in one segment that starts before the buffered bytes and covers them.
enum class Overlap : std::uint8_t {
  none,
  retransmit_real_first,
  retransmit_junk_first,
  buffered_real_first,
  buffered_junk_first,
  covering_real_first,
  covering_junk_first,
  // Insertion (Ptacek-Newsham): the junk copy of the critical message comes first with a wrong TCP
  // checksum, so the receiver drops it and keeps the real copy that follows.
  retransmit_junk_first_bad_checksum,
};

// IP fragmentation of every data segment. The overlap variants send fragments 1..n of one copy, then
// 1..n of the other (each fully overlapping), then fragment 0, which completes the datagram.
enum class Fragments : std::uint8_t { none, plain, overlap_real_first, overlap_junk_first };

enum class Start : std::uint8_t { handshake, midstream, after_negotiate };

struct Technique {
  std::size_t segment_size = 1460;
  Order order = Order::in_order;
  Overlap overlap = Overlap::none;
  Fragments fragments = Fragments::none;
  std::size_t fragment_size = 16;  // bytes of IP payload per fragment (multiple of 8)
  testing::EthernetOptions ethernet;
  Start start = Start::handshake;
};

// A pcap file with a capture clock.
class Capture {
 public:
  explicit Capture(const std::string& path) : writer_(path) {}
  void write(const Frame& frame);  // then 50 µs pass
  void advance(std::uint64_t ns) { now_ns_ += ns; }
  std::uint64_t packets() const { return writer_.packets(); }

 private:
  testing::PcapWriter writer_;
  std::uint64_t now_ns_ = 1700000000ull * 1000000000ull;
};

class EvasiveConnection {
 public:
  EvasiveConnection(Capture& capture, const Script& script, const Technique& technique, std::uint32_t client_isn,
                    std::uint32_t server_isn);
  void play();  // handshake (unless started midstream), every message, FIN/FIN/ACK

 private:
  struct Piece {
    std::size_t begin, end;
  };
  void send(const Message& message);
  void send_pieces(Side from, std::uint32_t base, std::span<const std::uint8_t> bytes, std::size_t begin,
                   std::size_t end, bool target_fragments, std::span<const std::uint8_t> decoy);
  void segment(Side from, std::uint32_t seq, std::uint8_t flags, std::span<const std::uint8_t> payload,
               std::span<const std::uint8_t> decoy = {}, bool bad_checksum = false);
  void emit_datagram(Side from, const Frame& tcp, const Frame* decoy_tcp);
  void emit_fragments(Side from, const Frame& body, std::size_t first, std::size_t last, std::uint16_t id);
  std::size_t index(Side side) const { return side == Side::client ? 0 : 1; }
  const Address& address(Side side) const { return side == Side::client ? script_.client : script_.server; }
  std::uint16_t port(Side side) const { return side == Side::client ? script_.client_port : script_.server_port; }

  Capture& capture_;
  const Script& script_;
  const Technique& technique_;
  std::uint32_t next_seq_[2];
  std::uint16_t ip_id_[2] = {0x1000, 0x4000};
};

}  // namespace spanwatch::evasion
