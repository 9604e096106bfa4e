#include <catch2/catch.hpp>

#include <algorithm>

#include "conversations.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;
using namespace spanwatch::testing::tls_test;

namespace {
bool has(const std::vector<std::string>& anomalies, std::string_view name) {
  return std::find(anomalies.begin(), anomalies.end(), name) != anomalies.end();
}
}  // namespace

TEST_CASE("a record longer than the TLS limit is an anomaly and the direction is abandoned") {
  Frame bad = {22, 3, 1, 0x50, 0x00, 1, 0, 0, 0};
  RecordingSink sink;
  feed({{Direction::to_server, bad}}, 0, sink);
  CHECK(has(sink.anomalies, "tls.record_too_long"));
  CHECK(sink.client_hellos.empty());
}

TEST_CASE("bytes that are not TLS records are an anomaly, never a crash") {
  const Frame http = {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'};
  RecordingSink sink;
  const auto result = feed({{Direction::to_server, http}, {Direction::to_client, http}}, 0, sink);
  CHECK(has(sink.anomalies, "tls.invalid_record_header"));
  CHECK(result.stopped);  // both directions lost: nothing more to learn
  CHECK(sink.handshakes.empty());
}

TEST_CASE("an extension list that overruns its block is reported and the hello still counts") {
  t::ClientHelloSpec client;
  client.server_name = "overrun.example.test";
  Frame hello = t::client_hello(client);
  // The first extension's length (after header 4 + version 2 + random 32 + sid 1 + suites 2+4 +
  // compression 2 + extensions length 2 + type 2) claims more than the block holds.
  const std::size_t first_extension_length = 4 + 2 + 32 + 1 + 2 + 4 + 2 + 2 + 2;
  patch_be16(hello, first_extension_length, 0x4000);
  RecordingSink sink;
  feed({{Direction::to_server, handshake_record(0x0301, hello)}}, 0, sink);
  CHECK(has(sink.anomalies, "tls.extensions_overrun"));
  REQUIRE(sink.client_hellos.size() == 1);
  CHECK(sink.client_hellos[0].cipher_suites.size() == 2);
}

TEST_CASE("a handshake length past the end of the ClientHello body is malformed") {
  t::ClientHelloSpec client;
  Frame hello = t::client_hello(client);
  patch_be16(hello, 4 + 2 + 32 + 1, 0x0400);  // cipher suite list longer than the message
  RecordingSink sink;
  feed({{Direction::to_server, handshake_record(0x0301, hello)}}, 0, sink);
  CHECK(has(sink.anomalies, "tls.malformed_client_hello"));
  CHECK(sink.client_hellos.empty());
}

TEST_CASE("zero-length handshake records are an anomaly and parsing goes on") {
  t::ClientHelloSpec client;
  const Frame stream = concat({handshake_record(0x0301, Frame{}), handshake_record(0x0301, t::client_hello(client))});
  RecordingSink sink;
  feed({{Direction::to_server, stream}}, 0, sink);
  CHECK(has(sink.anomalies, "tls.empty_record"));
  CHECK(sink.client_hellos.size() == 1);
}

TEST_CASE("a handshake message over the buffer limit is skipped, counted and reported") {
  proto::tls::TlsOptions options;
  options.max_handshake_message = 256;
  RecordingSink sink;
  const auto conversation = tls12_full_handshake();
  feed(conversation, 0, sink, options);
  CHECK(has(sink.anomalies, "tls.handshake_message_too_long"));  // the 849-byte certificate message
  CHECK(sink.certificates == 0);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.completed);
}

TEST_CASE("a cipher list longer than the option keeps the first entries and says so") {
  proto::tls::TlsOptions options;
  options.max_cipher_suites = 2;
  t::ClientHelloSpec client;
  client.cipher_suites = {1, 2, 3, 4};
  RecordingSink sink;
  feed({{Direction::to_server, handshake_record(0x0301, t::client_hello(client))}}, 0, sink, options);
  CHECK(has(sink.anomalies, "tls.list_truncated"));
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].offered_ciphers == std::vector<std::uint16_t>{1, 2});
}

TEST_CASE("a gap abandons the direction; the summary still comes at finish") {
  proto::tls::TlsParser parser;
  RecordingSink sink;
  proto::FeedContext context{sink, {}};
  const auto conversation = tls12_full_handshake();
  std::size_t consumed = 0;
  parser.feed(Direction::to_server, conversation[0].bytes, context, consumed);
  CHECK(parser.gap(Direction::to_client, 100, context).want == proto::Verdict::Want::more);
  parser.finish(context);
  CHECK(has(sink.anomalies, "tls.gap"));
  REQUIRE(sink.handshakes.size() == 1);
  CHECK_FALSE(sink.handshakes[0].fields.completed);
}

TEST_CASE("reset() makes a parser ready for a new flow") {
  proto::tls::TlsParser parser;
  RecordingSink first, second;
  proto::FeedContext c1{first, {}}, c2{second, {}};
  const auto conversation = tls12_full_handshake();
  std::size_t consumed = 0;
  for (const auto& chunk : conversation) parser.feed(chunk.direction, chunk.bytes, c1, consumed);
  CHECK(parser.done());
  parser.reset();
  for (const auto& chunk : conversation) parser.feed(chunk.direction, chunk.bytes, c2, consumed);
  CHECK(first.lines == second.lines);
}
