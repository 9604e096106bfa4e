#pragma once
// A TcpConversation written into a FrameSink with simple timing: back-to-back segments 50 µs apart,
// a one-way delay when the talking side changes, and a bare ACK from the peer after each burst (so
// the receiver's window keeps moving, as a real stack's delayed ACKs do).
#include <cstdint>
#include <span>

#include "frame_sink.hpp"
#include "support/tcp_conversation.hpp"

namespace spanwatch::floods {

class Dialogue {
 public:
  Dialogue(FrameSink& sink, testing::TcpConversation& tcp, std::int64_t one_way_ns = 200000)
      : sink_(sink), tcp_(tcp), one_way_ns_(one_way_ns) {}

  void open() {
    frame(testing::Side::client, tcp_.syn());
    frame(testing::Side::server, tcp_.syn_ack());
    frame(testing::Side::client, tcp_.handshake_ack());
  }
  // Data in MSS-sized segments, then the peer's ACK when `peer_acks`.
  void send(testing::Side from, std::span<const std::uint8_t> payload, bool peer_acks = true) {
    for (const auto& f : tcp_.send(from, payload)) frame(from, f);
    if (peer_acks) frame(testing::TcpConversation::other(from), tcp_.ack(testing::TcpConversation::other(from)));
  }
  void close(testing::Side first) {
    const testing::Side second = testing::TcpConversation::other(first);
    frame(first, tcp_.fin(first));
    frame(second, tcp_.fin(second));
    frame(first, tcp_.ack(first));
  }
  void pause(std::int64_t ns) { sink_.advance_ns(ns); }

 private:
  void frame(testing::Side from, const testing::Frame& f) {
    if (from != last_) sink_.advance_ns(one_way_ns_);
    last_ = from;
    sink_.write_now(f);
    sink_.advance_ns(50000);
  }

  FrameSink& sink_;
  testing::TcpConversation& tcp_;
  std::int64_t one_way_ns_;
  testing::Side last_ = testing::Side::server;
};

}  // namespace spanwatch::floods
