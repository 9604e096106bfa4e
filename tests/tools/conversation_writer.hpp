#pragma once
// Writes a TcpConversation into a CaptureSink with plausible timing: one-way delay between the two
// sides, a short gap between back-to-back segments, and ACKs the way a receiver sends them.
#include <cstdint>
#include <span>

#include "capture_sink.hpp"
#include "support/tcp_conversation.hpp"

namespace spanwatch::tools {

class ConversationWriter {
 public:
  ConversationWriter(CaptureSink& sink, testing::TcpConversation& conversation, std::uint64_t one_way_ns = 250000);

  void open();  // SYN, SYN-ACK, ACK; counts one TCP flow
  // Data from one side in MSS-sized segments; the peer ACKs every second segment, and at the end
  // when `peer_acks` (otherwise the peer's next data carries the ACK).
  void send(testing::Side from, std::span<const std::uint8_t> payload, bool peer_acks = false);
  void close(testing::Side first);  // FIN, FIN, ACK
  void reset(testing::Side from);   // RST
  void pause(std::uint64_t ns) { sink_.advance_ns(ns); }
  void write(const testing::Frame& frame);  // one frame, then the back-to-back gap

  testing::TcpConversation& conversation() { return conversation_; }

 private:
  void turn(testing::Side from);  // waits the one-way delay when the sending side changes

  CaptureSink& sink_;
  testing::TcpConversation& conversation_;
  std::uint64_t one_way_ns_;
  testing::Side last_ = testing::Side::server;
};

}  // namespace spanwatch::tools
