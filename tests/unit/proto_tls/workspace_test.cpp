// The TLS parsers of one worker share a TlsWorkspace: scratch used within one call, and pools for a
// handshake message split across segments and for the decoded server certificate. Sharing must not
// change a single event, whatever the interleaving, and what a parser takes goes back.
#include <catch2/catch.hpp>

#include <memory>

#include "conversations.hpp"
#include "proto/tls/tls_workspace.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;
using namespace spanwatch::testing::tls_test;

namespace {

// A second ClientHello without HelloRetryRequest (read in the workspace's scratch), then a server.
Conversation duplicate_hello_conversation() {
  t::ClientHelloSpec first;
  first.supported_versions = {0x0304, 0x0303};
  first.server_name = "first.example.test";
  t::ClientHelloSpec second;
  second.server_name = "second.example.test";
  t::ServerHelloSpec server;
  server.cipher_suite = t::cipher::rsa_aes128_cbc_sha;
  return {
      {Direction::to_server, concat({handshake_record(0x0301, t::client_hello(first)),
                                     handshake_record(0x0301, t::client_hello(second))})},
      {Direction::to_client,
       handshake_record(0x0303, concat({t::server_hello(server), t::certificate({std::span(test_certificate_der)}),
                                        t::server_hello_done()}))},
  };
}

struct Piece {
  Direction direction;
  core::Bytes bytes;
};

std::vector<Piece> pieces_of(const Conversation& conversation, std::size_t size) {
  std::vector<Piece> out;
  for (const auto& chunk : conversation)
    for (std::size_t at = 0; at < chunk.bytes.size(); at += size)
      out.push_back({chunk.direction, core::Bytes(chunk.bytes).subspan(at, std::min(size, chunk.bytes.size() - at))});
  return out;
}

}  // namespace

TEST_CASE("parsers sharing one workspace, their handshakes interleaved piece by piece, report what lone parsers do") {
  const std::vector<Conversation> conversations = {
      tls12_full_handshake(), duplicate_hello_conversation(), tls13_handshake(), tls12_full_handshake(),
      duplicate_hello_conversation(), long_conversation({200, 10, {"h2"}}, 30, std::string(40, 'p')),
      long_conversation({600, 60, {"h2"}, std::string(300, 'n')}, 2, "h2")};
  const std::size_t piece = GENERATE(1, 7, 200);

  proto::tls::TlsOptions options;
  options.workspace = std::make_shared<proto::tls::TlsWorkspace>(options);
  std::vector<std::unique_ptr<proto::tls::TlsParser>> parsers;
  std::vector<RecordingSink> sinks(conversations.size());
  std::vector<std::vector<Piece>> pending;
  for (const auto& conversation : conversations) {
    parsers.push_back(std::make_unique<proto::tls::TlsParser>(options));
    pending.push_back(pieces_of(conversation, piece));
  }
  std::vector<std::size_t> next(conversations.size(), 0);
  std::vector<bool> stopped(conversations.size(), false);
  for (bool fed = true; fed;) {  // one piece of each unfinished conversation per round
    fed = false;
    for (std::size_t i = 0; i < conversations.size(); ++i) {
      if (stopped[i] || next[i] == pending[i].size()) continue;
      proto::FeedContext context{sinks[i], {}};
      std::size_t consumed = 0;
      const Piece& p = pending[i][next[i]++];
      stopped[i] = parsers[i]->feed(p.direction, p.bytes, context, consumed).want == proto::Verdict::Want::stop;
      fed = true;
    }
  }
  for (std::size_t i = 0; i < conversations.size(); ++i) {
    proto::FeedContext context{sinks[i], {}};
    if (!stopped[i]) parsers[i]->finish(context);
  }

  for (std::size_t i = 0; i < conversations.size(); ++i) {
    RecordingSink alone;
    feed(conversations[i], piece, alone);  // a parser with a workspace of its own
    CAPTURE(i, piece);
    CHECK(sinks[i].lines == alone.lines);
    REQUIRE(sinks[i].handshakes.size() == 1);
    REQUIRE(alone.handshakes.size() == 1);
    CHECK(sinks[i].handshakes[0].ja3_hash == alone.handshakes[0].ja3_hash);
    CHECK(sinks[i].handshakes[0].ja3s_hash == alone.handshakes[0].ja3s_hash);
    CHECK(sinks[i].handshakes[0].fingerprint == alone.handshakes[0].fingerprint);
    CHECK(sinks[i].handshakes[0].server_name == alone.handshakes[0].server_name);
  }
  // The duplicate hello went through the shared scratch; each summary still names its first hello.
  CHECK(sinks[1].handshakes[0].server_name == "first.example.test");
  CHECK(sinks[4].handshakes[0].server_name == "first.example.test");
  CHECK(sinks[0].handshakes[0].subject == "CN=files.example.test, O=Spanwatch Demo");
}

TEST_CASE("a split handshake message holds a pooled buffer only until it is complete") {
  proto::tls::TlsOptions options;
  options.workspace = std::make_shared<proto::tls::TlsWorkspace>(options);
  auto& messages = options.workspace->messages();
  proto::tls::TlsParser parser(options);
  RecordingSink sink;
  proto::FeedContext context{sink, {}};
  const Conversation conversation = tls12_full_handshake();
  const core::Bytes server_flight(conversation[1].bytes);
  std::size_t consumed = 0;

  parser.feed(Direction::to_server, conversation[0].bytes, context, consumed);
  CHECK(messages.in_use() == 0);  // a whole ClientHello is read in place: no copy, no buffer
  CHECK(messages.created() == 0);

  // Cut inside the certificate message: the first part is copied into a buffer from the pool.
  const std::size_t cut = server_flight.size() / 2;
  parser.feed(Direction::to_client, server_flight.first(cut), context, consumed);
  CHECK(messages.in_use() == 1);
  CHECK(sink.certificates == 0);
  parser.feed(Direction::to_client, server_flight.subspan(cut), context, consumed);
  CHECK(sink.certificates == 1);
  CHECK(messages.in_use() == 0);  // given back as soon as the message was complete
  CHECK(options.workspace->packed_blocks().small.in_use() == 1);  // the packed certificate, for the summary

  // Reset mid-message (a flow that ends inside a certificate): the buffer and the certificate go back.
  parser.reset();
  CHECK(options.workspace->packed_blocks().small.in_use() == 0);
  parser.feed(Direction::to_server, conversation[0].bytes, context, consumed);
  parser.feed(Direction::to_client, server_flight.first(cut), context, consumed);
  CHECK(messages.in_use() == 1);
  parser.reset();
  CHECK(messages.in_use() == 0);
  CHECK(messages.created() == 1);  // the same buffer served both handshakes
}

TEST_CASE("a buffer held when a direction loses framing goes back at once") {
  proto::tls::TlsOptions options;
  options.workspace = std::make_shared<proto::tls::TlsWorkspace>(options);
  proto::tls::TlsParser parser(options);
  RecordingSink sink;
  proto::FeedContext context{sink, {}};
  const Conversation conversation = tls12_full_handshake();
  const core::Bytes server_flight(conversation[1].bytes);
  std::size_t consumed = 0;
  parser.feed(Direction::to_server, conversation[0].bytes, context, consumed);
  parser.feed(Direction::to_client, server_flight.first(server_flight.size() / 2), context, consumed);
  REQUIRE(options.workspace->messages().in_use() == 1);
  parser.gap(Direction::to_client, 100, context);
  CHECK(options.workspace->messages().in_use() == 0);
  CHECK(std::count(sink.anomalies.begin(), sink.anomalies.end(), "tls.gap") == 1);
}
