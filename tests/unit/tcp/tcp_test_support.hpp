#pragma once
// Helpers for reassembly tests: TCP segments built byte-exact with packet_builder and read back into
// a TcpInfo plus a payload view into the built bytes, and a consumer that records what it was given.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
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

// `options` are raw TCP option bytes (see window_scale_option).
inline WireSegment make_segment(Direction dir, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                                std::string_view payload = {}, std::uint16_t window = 65535,
                                testing::Frame options = {}) {
  const auto client = testing::Address::v4(10, 0, 0, 1);
  const auto server = testing::Address::v4(10, 0, 0, 2);
  testing::TcpSegment s;
  s.sport = dir == to_server ? 40000 : 21;
  s.dport = dir == to_server ? 21 : 40000;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.payload = testing::bytes_of(payload);
  s.window = window;
  s.options = std::move(options);
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
  r.skip(4);  // checksum, urgent pointer
  // Options up to the end of the header: only the window scale matters to reassembly.
  while (r.offset() < w.header_length && r.ok()) {
    const std::uint8_t kind = r.u8();
    if (kind == 0) break;
    if (kind == 1) continue;
    const std::uint8_t length = r.u8();
    if (kind == 3 && length == 3) {
      w.tcp.window_scale = r.u8();
      w.tcp.has_window_scale = true;
    } else if (length < 2 || !r.skip(length - 2u)) {
      break;
    }
  }
  return w;
}

// The window scale option (RFC 7323), NOP-padded to 4 bytes.
inline testing::Frame window_scale_option(std::uint8_t shift) { return {1, 3, 3, shift}; }

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

// Checks every delivered byte against the stream that was sent, at the position gaps and feeds
// add up to; counts what a consumer could otherwise only guess.
class CheckingConsumer : public StreamConsumer {
 public:
  explicit CheckingConsumer(std::string sent) : sent_(std::move(sent)) {}
  StreamVerdict feed(Direction dir, spanwatch::core::Bytes bytes) override {
    if (dir == to_server) {
      const auto text = spanwatch::core::as_chars(bytes);
      if (position_ + text.size() > sent_.size() || sent_.compare(position_, text.size(), text) != 0) ++mismatches;
      position_ += text.size();
      delivered += text.size();
    }
    return StreamVerdict::more();
  }
  StreamVerdict gap(Direction dir, std::uint64_t length) override {
    if (dir == to_server) {
      position_ += length;
      lost += length;
    }
    return StreamVerdict::more();
  }
  void finish() override { ++finish_calls; }

  std::uint64_t delivered = 0, lost = 0;
  int mismatches = 0, finish_calls = 0;

 private:
  std::string sent_;
  std::size_t position_ = 0;
};

inline std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed + i / 26) % 26);
  return s;
}

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
