#include "conversation_writer.hpp"

namespace spanwatch::tools {

using testing::Side;
using testing::TcpConversation;

namespace {
constexpr std::uint64_t back_to_back_ns = 12000;
}

ConversationWriter::ConversationWriter(CaptureSink& sink, TcpConversation& conversation, std::uint64_t one_way_ns)
    : sink_(sink), conversation_(conversation), one_way_ns_(one_way_ns) {}

void ConversationWriter::write(const testing::Frame& frame) {
  sink_.write(frame);
  sink_.advance_ns(back_to_back_ns);
}

void ConversationWriter::turn(Side from) {
  if (from != last_) sink_.advance_ns(one_way_ns_);
  last_ = from;
}

void ConversationWriter::open() {
  turn(Side::client);
  write(conversation_.syn());
  turn(Side::server);
  write(conversation_.syn_ack());
  turn(Side::client);
  write(conversation_.handshake_ack());
  ++sink_.truth().tcp_flows;
}

void ConversationWriter::send(Side from, std::span<const std::uint8_t> payload, bool peer_acks) {
  // One segment at a time, so the peer's ACKs only cover what it has seen.
  constexpr std::size_t mss = TcpConversation::default_mss;
  std::size_t count = 0;
  for (std::size_t at = 0; at < payload.size(); at += mss, ++count) {
    const auto piece = payload.subspan(at, std::min(mss, payload.size() - at));
    turn(from);
    write(conversation_.send(from, piece).front());
    const bool last = at + piece.size() == payload.size();
    if ((count % 2 == 1 && !last) || (last && peer_acks)) {
      turn(TcpConversation::other(from));
      write(conversation_.ack(TcpConversation::other(from)));
    }
  }
}

void ConversationWriter::close(Side first) {
  turn(first);
  write(conversation_.fin(first));
  turn(TcpConversation::other(first));
  write(conversation_.fin(TcpConversation::other(first)));
  turn(first);
  write(conversation_.ack(first));
}

void ConversationWriter::reset(Side from) {
  turn(from);
  write(conversation_.rst(from));
}

}  // namespace spanwatch::tools
