#include <catch2/catch.hpp>

#include "tcp_test_support.hpp"

using namespace spanwatch::flow::tcp;
using namespace spanwatch::flow::tcp::test;

namespace {
constexpr std::uint32_t client_isn = 9000;
constexpr std::uint32_t server_isn = 3000;

WireSegment client_at(std::uint32_t offset, std::string_view text) {
  return make_segment(to_server, client_isn + 1 + offset, server_isn + 1, flag::ack, text);
}
WireSegment server_at(std::uint32_t offset, std::string_view text) {
  return make_segment(to_client, server_isn + 1 + offset, client_isn + 1, flag::ack, text);
}

// Answers skip(10) after a "HDR:" header: the ten body bytes are not wanted.
StreamVerdict skip_body(Direction, spanwatch::core::Bytes bytes) {
  return spanwatch::core::as_chars(bytes) == "HDR:" ? StreamVerdict::skip(10) : StreamVerdict::more();
}
}  // namespace

TEST_CASE("skip(n) passes over the next n bytes across segment boundaries") {
  Harness h;
  h.consumer.on_feed = skip_body;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "HDR:"));
  h.send(client_at(4, "0123456"));  // entirely inside the skip
  h.send(client_at(11, "789ABC"));  // "789" ends the skip
  CHECK(h.consumer.bytes(to_server) == "HDR:ABC");
  CHECK(h.consumer.events.size() == 2);
  CHECK(h.stats().overlap == 0);
  CHECK(h.consumer.gaps_of(to_server).empty());
}

TEST_CASE("skip(n) drops buffered bytes inside the skip and delivers those beyond it") {
  Harness h;
  h.consumer.on_feed = skip_body;
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(11, "789ABC"));  // buffered: the header has not arrived
  CHECK(h.session.buffered_chunks(to_server) == 1);
  h.send(client_at(0, "HDR:"));
  CHECK(h.consumer.bytes(to_server) == "HDR:ABC");
  CHECK(h.session.buffered_chunks(to_server) == 0);
  h.send(client_at(4, "0123456"));  // late body bytes: nothing to do
  CHECK(h.consumer.bytes(to_server) == "HDR:ABC");
  CHECK(h.stats().overlap == 0);
}

TEST_CASE("stop ends delivery in both directions and later segments are ignored") {
  Harness h;
  h.consumer.on_feed = [](Direction, spanwatch::core::Bytes) { return StreamVerdict::stop(); };
  h.send_all(handshake(client_isn, server_isn));
  h.send(server_at(10, "buffered"));  // out of order: held in the pool
  CHECK(h.reassembler.pool().in_use() == 1);
  h.send(client_at(0, "\x16\x03\x01"));
  CHECK(h.session.stopped());
  CHECK(h.reassembler.pool().in_use() == 0);
  h.send(client_at(3, "more"));
  h.send(server_at(0, "0123456789"));
  CHECK(h.consumer.bytes(to_server) == "\x16\x03\x01");
  CHECK(h.consumer.bytes(to_client).empty());
  CHECK(h.stats().bypassed == 1);
  h.finish();
  CHECK(h.consumer.finish_calls == 1);
  CHECK(h.consumer.gaps_of(to_client).empty());
}

TEST_CASE("A direction stops delivering at the depth option; the other one goes on") {
  ReassemblyOptions options = Harness::small_options();
  options.depth = 10;
  Harness h(options);
  h.send_all(handshake(client_isn, server_isn));
  h.send(client_at(0, "abcdef"));
  h.send(client_at(6, "ghijkl"));
  h.send(client_at(12, "mnop"));
  CHECK(h.consumer.bytes(to_server) == "abcdefghij");
  CHECK(h.session.state(to_server) == StreamState::depth_reached);
  CHECK(h.stats().stream_depth_reached == 1);
  h.send(server_at(0, "12345"));
  CHECK(h.consumer.bytes(to_client) == "12345");
  CHECK(h.session.state(to_client) == StreamState::open);
}
