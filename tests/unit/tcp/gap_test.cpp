#include <catch2/catch.hpp>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
constexpr std::uint32_t client_isn = 0x7ffffff0;
constexpr std::uint32_t server_isn = 42;

WireSegment client_at(std::uint32_t offset, std::string_view text, std::uint8_t extra = 0) {
  return make_segment(to_server, client_isn + 1 + offset, server_isn + 1, flag::ack | extra, text);
}
// A pure ACK from the server acknowledging client bytes below `offset`.
WireSegment server_acks(std::uint32_t offset) {
  return make_segment(to_client, server_isn + 1, client_isn + 1 + offset, flag::ack);
}
}  // namespace

TEST_CASE("A hole the peer ACKed becomes gap(n) once the sender moves past the ACK, then buffered data follows") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "HELLO"));
  h.send(client_at(12, "WORLD"));  // 5..12 never captured
  h.send(server_acks(17));
  // The ACK alone only marks the hole: its data may still be on its way.
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.consumer.bytes(to_server) == "HELLO");
  // The client acknowledging the server's SYN again, at sequence 17: sent after bytes 5..12.
  h.send(client_at(17, ""));
  CHECK(h.consumer.bytes(to_server) == "HELLOWORLD");
  REQUIRE(h.consumer.events.size() == 3);
  CHECK(h.consumer.events[1].kind == Event::Kind::gap);
  CHECK(h.consumer.events[1].length == 7);
  CHECK(h.stats().reassembly_gap == 1);
  CHECK(h.stats().ack_unseen_data == 1);
  // The lost bytes arriving late change nothing.
  h.send(client_at(5, "1234567"));
  CHECK(h.consumer.bytes(to_server) == "HELLOWORLD");
}

TEST_CASE("An ACK past everything captured reports the missing tail when data beyond it comes") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abc"));
  h.send(server_acks(10));
  CHECK(h.consumer.gaps_of(to_server).empty());
  h.send(client_at(10, "def"));
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{7});
  CHECK(h.consumer.bytes(to_server) == "abcdef");
}

TEST_CASE("An ACK of a FIN does not count the FIN as a missing byte") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "quit", flag::fin));
  h.send(server_acks(5));  // 4 bytes + the FIN
  CHECK(h.consumer.gaps_of(to_server).empty());
  CHECK(h.session.state(to_server) == StreamState::closed);
}

TEST_CASE("Holes still open at finish are reported as gaps and the data beyond them delivered") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "aa"));
  h.send(client_at(4, "cc"));
  h.send(client_at(9, "ee", flag::fin));  // stream ends at 11
  h.send(make_segment(to_client, server_isn + 1, client_isn + 1, flag::ack, "reply"));
  h.finish();
  CHECK(h.consumer.bytes(to_server) == "aaccee");
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{2, 3});
  CHECK(h.consumer.bytes(to_client) == "reply");
  CHECK(h.consumer.finish_calls == 1);
  CHECK(h.reassembler.pool().in_use() == 0);
  CHECK(h.stats().active_sessions == 0);
  h.finish();  // idempotent
  CHECK(h.consumer.finish_calls == 1);
}

TEST_CASE("At finish, a FIN seen beyond the last captured byte reports the missing tail") {
  Harness h;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abc"));
  h.send(client_at(8, "", flag::fin));
  h.finish();
  CHECK(h.consumer.gaps_of(to_server) == std::vector<std::uint64_t>{5});
}
