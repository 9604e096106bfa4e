#pragma once
// Helpers for reassembly tests: TCP segments built byte-exact with packet_builder and read back into
// a TcpInfo plus a payload view into the built bytes, and a consumer that records what it was given.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/tcp/reassembler.hpp"
#include "flow/tcp/stream_consumer.hpp"
#include "flow/tcp/tcp_session.hpp"
#include "support/packet_builder.hpp"

namespace spanwatch::flow::tcp::test {

using core::Direction;
constexpr Direction to_server = Direction::to_server;
constexpr Direction to_client = Direction::to_client;
namespace flag = testing::tcp_flags;

// One segment on the wire: the TCP header and payload as packet_builder lays them out.
struct WireSegment {
  Direction dir = to_server;
  decode::TcpInfo tcp;
  testing::Frame bytes;  // TCP header + payload
  std::size_t header_length = 0;

  core::Bytes payload() const { return core::Bytes(bytes).subspan(header_length); }
};

inline WireSegment make_segment(Direction dir, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                                std::string_view payload = {}) {
  const auto client = testing::Address::v4(10, 0, 0, 1);
  const auto server = testing::Address::v4(10, 0, 0, 2);
  testing::TcpSegment s;
  s.sport = dir == to_server ? 40000 : 21;
  s.dport = dir == to_server ? 21 : 40000;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.payload = testing::bytes_of(payload);
  WireSegment w;
  w.dir = dir;
  w.bytes = dir == to_server ? testing::tcp_bytes(client, server, s) : testing::tcp_bytes(server, client, s);
  // Read the header back the way a decoder would, so the test does not trust its own inputs.
  core::ByteReader r(w.bytes);
  r.skip(4);
  w.tcp.seq = r.be32();
  w.tcp.ack = r.be32();
  w.header_length = static_cast<std::size_t>(r.u8() >> 4) * 4;
  w.tcp.flags = r.u8();
  w.tcp.window = r.be16();
  return w;
}

struct Event {
  enum class Kind { feed, gap } kind;
  Direction dir;
  std::uint64_t length;
  const std::uint8_t* data;  // feed only: where the delivered view pointed
};

class RecordingConsumer : public StreamConsumer {
 public:
  StreamVerdict feed(Direction dir, core::Bytes bytes) override {
    events.push_back({Event::Kind::feed, dir, bytes.size(), bytes.data()});
    data[core::index_of(dir)].append(core::as_chars(bytes));
    return on_feed ? on_feed(dir, bytes) : StreamVerdict::more();
  }
  StreamVerdict gap(Direction dir, std::uint64_t length) override {
    events.push_back({Event::Kind::gap, dir, length, nullptr});
    gaps[core::index_of(dir)].push_back(length);
    return on_gap ? on_gap(dir, length) : StreamVerdict::more();
  }
  void finish() override { ++finish_calls; }

  const std::string& bytes(Direction dir) const { return data[core::index_of(dir)]; }
  const std::vector<std::uint64_t>& gaps_of(Direction dir) const { return gaps[core::index_of(dir)]; }

  std::function<StreamVerdict(Direction, core::Bytes)> on_feed;
  std::function<StreamVerdict(Direction, std::uint64_t)> on_gap;
  std::string data[2];
  std::vector<std::uint64_t> gaps[2];
  std::vector<Event> events;
  int finish_calls = 0;
};

// A reassembler with one open session and a recording consumer.
struct Harness {
  explicit Harness(const ReassemblyOptions& options = small_options()) : reassembler(options) {
    reassembler.open(session);
  }
  static ReassemblyOptions small_options() {
    ReassemblyOptions o;
    o.memcap_bytes = 1 << 20;
    return o;
  }
  void send(const WireSegment& w) { session.on_segment(w.dir, w.tcp, w.payload(), {}, consumer); }
  void send_all(const std::vector<WireSegment>& segments) {
    for (const auto& w : segments) send(w);
  }
  void finish() { session.finish(consumer); }
  ReassemblyStats stats() const { return reassembler.stats(); }

  Reassembler reassembler;
  TcpSession session;
  RecordingConsumer consumer;
};

// The three-way handshake with the given initial sequence numbers.
inline std::vector<WireSegment> handshake(std::uint32_t client_isn, std::uint32_t server_isn) {
  return {make_segment(to_server, client_isn, 0, flag::syn),
          make_segment(to_client, server_isn, client_isn + 1, flag::syn | flag::ack),
          make_segment(to_server, client_isn + 1, server_isn + 1, flag::ack)};
}

}  // namespace spanwatch::flow::tcp::test
