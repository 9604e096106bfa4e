// On a span port the two directions reach the sensor by different paths: the receiver's ACK is often
// captured a little before the data it acknowledges. Such late data must still be delivered.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
constexpr std::uint32_t client_isn = 0xfffffff8u;  // the client's bytes cross the 2^32 wrap
constexpr std::uint32_t server_isn = 5000;

WireSegment client_at(std::uint32_t offset, std::string_view text, std::uint8_t extra = 0) {
  return make_segment(to_server, client_isn + 1 + offset, server_isn + 1, flag::ack | extra, text);
}
// A pure ACK from the server acknowledging client bytes below `offset`.
WireSegment server_acks(std::uint32_t offset) {
  return make_segment(to_client, server_isn + 1, client_isn + 1 + offset, flag::ack);
}
ReassemblyOptions wait_options(std::uint32_t segments) {
  ReassemblyOptions o = Harness::small_options();
  o.ack_unseen_wait_segments = segments;
  return o;
}
}  // namespace

TEST_CASE("Data captured after the ACK that acknowledges it is delivered without a gap") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(server_acks(25));
  h.send(client_at(0, "USER alice\r\n"));
  h.send(client_at(12, "PASS secret\r\n", flag::psh));
  h.send(client_at(25, "QUIT\r\n"));
  CHECK(h.consumer.bytes(to_server) == "USER alice\r\nPASS secret\r\nQUIT\r\n");
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.stats().ack_unseen_data == 0);
  CHECK(h.stats().reassembly_gap == 0);
  h.finish();
  CHECK(h.consumer.gaps_of(to_server).empty());
}

TEST_CASE("Reordered data captured after the ACK still fills the holes the ACK marked") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "HELLO"));
  h.send(client_at(12, "WORLD"));  // 5..12 late: reordered before the capture point
  h.send(server_acks(17));
  h.send(client_at(5, "1234567"));
  CHECK(h.consumer.bytes(to_server) == "HELLO1234567WORLD");
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.reassembler.pool().in_use() == 0);
}

TEST_CASE("An ACK past a hole then data beyond the ACKed point declares the hole with its length") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "HELLO"));
  h.send(client_at(9, "abc"));  // buffered beyond the hole 5..9
  h.send(server_acks(20));      // holes 5..9 and 12..20 marked
  CHECK(h.consumer.gaps_of(to_server).empty());
  h.send(client_at(20, "WORLD"));
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{4, 8});
  CHECK(h.consumer.bytes(to_server) == "HELLOabcWORLD");
  CHECK(h.stats().ack_unseen_data == 2);
  CHECK(h.stats().ack_unseen_wait_exceeded == 0);
  CHECK(h.session.next_offset(to_server) == 25);
  // Later data is delivered as usual; the lost bytes arriving after all are ignored.
  h.send(client_at(12, "12345678"));
  h.send(client_at(25, "!"));
  CHECK(h.consumer.bytes(to_server) == "HELLOabcWORLD!");
}

TEST_CASE("A hole the peer ACKed that never arrives becomes gap(n) at finish") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abc"));
  h.send(server_acks(10));
  h.send(make_segment(to_client, server_isn + 1, client_isn + 11, flag::ack | flag::psh, "ERR\r\n"));
  h.finish();
  CHECK(h.consumer.bytes(to_server) == "abc");
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{7});
  CHECK(h.consumer.bytes(to_client) == "ERR\r\n");
  CHECK(h.stats().ack_unseen_data == 1);
  CHECK(h.consumer.finish_calls == 1);
}

TEST_CASE("An accepted RST declares the holes the peer ACKed") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "ab"));
  h.send(server_acks(6));
  h.send(make_segment(to_client, server_isn + 1, client_isn + 7, flag::rst | flag::ack));
  CHECK(h.session.closed());
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{4});
  CHECK(h.stats().ack_unseen_data == 1);
}

TEST_CASE("A marked hole is declared after ack_unseen_wait_segments segments without progress") {
  Harness h(wait_options(3));
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abc"));
  h.send(server_acks(8));
  h.send(client_at(0, "abc"));  // retransmissions of delivered bytes: no progress
  h.send(client_at(1, "bc"));
  CHECK(h.consumer.gaps_of(to_server).empty());
  h.send(client_at(0, "a"));
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{5});
  CHECK(h.stats().ack_unseen_wait_exceeded == 1);
  CHECK(h.stats().ack_unseen_data == 1);
}

TEST_CASE("Segments that fill a marked hole piece by piece restart the wait") {
  Harness h(wait_options(2));
  h.send_all(handshake(client_isn, server_isn));
  h.send(server_acks(12));
  for (std::uint32_t at = 0; at < 12; at += 3) {
    h.send(client_at(at, std::string_view("abcdefghijkl").substr(at, 3)));
    h.send(client_at(0, "a"));  // one segment without progress between each piece
  }
  CHECK(h.consumer.bytes(to_server) == "abcdefghijkl");
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.stats().ack_unseen_wait_exceeded == 0);
}

TEST_CASE("With ack_unseen_wait_segments 0 a marked hole waits for other evidence") {
  Harness h(wait_options(0));
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abc"));
  h.send(server_acks(8));
  for (int i = 0; i < 100; ++i) h.send(client_at(0, "abc"));
  CHECK(h.consumer.gaps_of(to_server).empty());
  h.send(client_at(3, "defgh"));
  CHECK(h.consumer.bytes(to_server) == "abcdefgh");
  CHECK(h.consumer.gaps_of(to_server).empty());
}

TEST_CASE("An ACK more than a window beyond the bytes seen sent is ignored") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));  // windows of 65535, not scaled
  h.send(client_at(0, "abc"));
  h.send(make_segment(to_client, server_isn + 1, client_isn + 1 + 3 + 70000, flag::ack));
  CHECK(h.stats().ack_out_of_window == 1);
  h.send(client_at(3 + 70000, "x"));  // would have declared a 70000-byte hole
  CHECK(h.consumer.gaps_of(to_server).empty());
  h.send(client_at(3, "def"));
  CHECK(h.consumer.bytes(to_server) == "abcdef");
}

TEST_CASE("ACKs captured ahead of their data lose no captured byte: only dropped segments become gaps") {
  std::mt19937 random(20250117);
  for (int round = 0; round < 30; ++round) {
    INFO("round " << round);
    const std::string text = pattern(30000, static_cast<unsigned>(round));
    const bool lossy = round >= 5;
    // Arrival time, segment: the capture sorts by the first.
    std::vector<std::pair<double, WireSegment>> arrivals;
    const auto handshake_segments = handshake(client_isn, server_isn);
    for (std::size_t i = 0; i < handshake_segments.size(); ++i)
      arrivals.emplace_back(-3.0 + static_cast<double>(i), handshake_segments[i]);
    std::uint64_t dropped = 0;
    std::size_t at = 0;
    for (int i = 0; at < text.size(); ++i) {
      const std::size_t n = std::min<std::size_t>(text.size() - at, 1 + random() % 1460);
      if (lossy && random() % 12 == 0) {
        dropped += n;
      } else {
        arrivals.emplace_back(i, client_at(static_cast<std::uint32_t>(at), std::string_view(text).substr(at, n)));
      }
      at += n;
      // The server's ACK of these bytes reaches the sensor up to four client segments early.
      if (random() % 2 == 0) {
        const double early = 0.05 + static_cast<double>(random() % 40) / 10.0;
        arrivals.emplace_back(std::max(i - early, -0.5), server_acks(static_cast<std::uint32_t>(at)));
      }
    }
    arrivals.emplace_back(1e9, client_at(static_cast<std::uint32_t>(text.size()), "", flag::fin));
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });

    Reassembler reassembler(Harness::small_options());
    TcpSession session;
    CheckingConsumer consumer(text);
    reassembler.open(session);
    for (const auto& [time, w] : arrivals) session.on_segment(w.dir, w.tcp, w.payload(), {}, consumer);
    session.finish(consumer);

    CHECK(consumer.mismatches == 0);
    CHECK(consumer.lost == dropped);
    CHECK(consumer.delivered == text.size() - dropped);
    CHECK(reassembler.stats().ack_out_of_window == 0);
    if (dropped == 0) CHECK(reassembler.stats().reassembly_gap == 0);
  }
}
