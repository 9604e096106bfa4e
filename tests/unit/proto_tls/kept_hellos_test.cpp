// A parser keeps what the summary needs of each hello packed to size: inline for common hellos, in a
// pooled block (small or large) for long ones. Wherever they are kept, the summary must report the
// lists the hello's own event reported, JA3/JA3S must be built from them, and blocks must go back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "conversations.hpp"
#include "proto/tls/ja3.hpp"
#include "proto/tls/tls_workspace.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;
using namespace spanwatch::testing::tls_test;

namespace {

using U16s = std::vector<std::uint16_t>;

template <class T>
std::vector<T> own(std::span<const T> values) {
  return {values.begin(), values.end()};
}

std::vector<std::string> own(std::span<const std::string_view> names) { return {names.begin(), names.end()}; }

// What a hello's event and the summary said, owned (views die after emit).
struct ClientLists {
  std::uint16_t legacy_version = 0;
  U16s ciphers, versions, extensions, groups, signature_algorithms;
  std::vector<std::string> alpn;
  std::string server_name;
  bool operator==(const ClientLists&) const = default;
};
struct ServerLists {
  U16s extensions;
  std::string alpn;
  bool operator==(const ServerLists&) const = default;
};

class ListSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    if (const auto* c = std::get_if<events::tls::ClientHello>(&event))
      hello = {c->legacy_version, own(c->cipher_suites), own(c->supported_versions), own(c->extensions),
               own(c->supported_groups), own(c->signature_algorithms), own(c->alpn), std::string(c->server_name)};
    if (const auto* s = std::get_if<events::tls::ServerHello>(&event))
      server_hello = {own(s->extensions), std::string(s->alpn)};
    if (const auto* h = std::get_if<events::tls::Handshake>(&event)) {
      ++summaries;
      summary = {h->client_legacy_version, own(h->offered_ciphers), own(h->client_supported_versions),
                 own(h->client_extensions), own(h->supported_groups), own(h->signature_algorithms), own(h->alpn),
                 std::string(h->server_name)};
      server_summary = {own(h->server_extensions), std::string(h->server_alpn)};
      ja3 = h->ja3;
      ja3s = h->ja3s;
    }
  }
  ClientLists hello, summary;
  ServerLists server_hello, server_summary;
  std::string ja3, ja3s;
  int summaries = 0;
};

std::string expected_ja3(const ClientLists& hello) {
  proto::tls::Fingerprint ja3;
  const std::array<std::uint8_t, 1> point_formats{0};
  ja3.make_ja3(hello.legacy_version, hello.ciphers, hello.extensions, hello.groups, point_formats);
  return std::string(ja3.text());
}

}  // namespace

TEST_CASE("hellos kept inline, in a small block or in a large block give the summary their events' lists") {
  struct Case {
    LongHello client;
    std::size_t server_extensions;
    std::string server_alpn;
    int small_blocks;  // held between the hellos and the summary, the certificate's included
    int large_blocks;
  };
  const Case c = GENERATE(Case{{5, 3, {"h2", "http/1.1"}}, 2, "h2", 1, 0},                 // both inline
                          Case{{200, 10, {"h2"}}, 30, std::string(40, 'p'), 3, 0},          // both in small blocks
                          Case{{600, 60, {"h2"}, std::string(300, 'n')}, 2, "h2", 1, 1});  // client in a large one
  proto::tls::TlsOptions options;
  options.workspace = std::make_shared<proto::tls::TlsWorkspace>(options);
  auto& blocks = options.workspace->packed_blocks();
  proto::tls::TlsParser parser(options);
  ListSink sink;
  proto::FeedContext context{sink, {}};
  const Conversation conversation = long_conversation(c.client, c.server_extensions, c.server_alpn);
  std::size_t consumed = 0;
  parser.feed(Direction::to_server, conversation[0].bytes, context, consumed);
  parser.feed(Direction::to_client, conversation[1].bytes, context, consumed);
  CHECK(blocks.small.in_use() == static_cast<std::size_t>(c.small_blocks));
  CHECK(blocks.large.in_use() == static_cast<std::size_t>(c.large_blocks));
  for (std::size_t i = 2; i < conversation.size(); ++i)
    parser.feed(conversation[i].direction, conversation[i].bytes, context, consumed);

  REQUIRE(sink.summaries == 1);
  CHECK(sink.summary == sink.hello);
  CHECK(sink.server_summary == sink.server_hello);
  CHECK(sink.hello.ciphers.size() == std::min<std::size_t>(c.client.ciphers, options.max_cipher_suites));
  CHECK(sink.ja3 == expected_ja3(sink.hello));
  CHECK(sink.ja3s.find(std::to_string(2000 + c.server_extensions - 1)) != std::string::npos);
  parser.reset();
  CHECK(blocks.small.in_use() == 0);
  CHECK(blocks.large.in_use() == 0);
}

TEST_CASE("lists cut at the options' capacities are kept as the hello's event reported them") {
  proto::tls::TlsOptions options;
  options.max_cipher_suites = 16;
  options.max_list_entries = 4;
  options.max_alpn = 2;
  LongHello client{40, 10, {std::string(100, 'a'), std::string(70, 'b'), "c"}, std::string(300, 's')};
  RecordingSink recording;
  ListSink sink;
  struct Both final : events::EventSink {
    Both(events::EventSink& a, events::EventSink& b) : a_(a), b_(b) {}
    void emit(const events::Event& e) override {
      a_.emit(e);
      b_.emit(e);
    }
    events::EventSink &a_, &b_;
  } both(recording, sink);
  proto::tls::TlsParser parser(options);
  proto::FeedContext context{both, {}};
  for (const auto& chunk : long_conversation(client, 10, std::string(80, 'p'))) {
    std::size_t consumed = 0;
    parser.feed(chunk.direction, chunk.bytes, context, consumed);
  }
  REQUIRE(sink.summaries == 1);
  CHECK(std::count(recording.anomalies.begin(), recording.anomalies.end(), "tls.list_truncated") == 1);
  CHECK(sink.hello.ciphers.size() == 16);
  CHECK(sink.hello.extensions.size() == 4);
  CHECK(sink.hello.alpn == std::vector<std::string>{std::string(64, 'a'), std::string(64, 'b')});
  CHECK(sink.hello.server_name == std::string(256, 's'));
  CHECK(sink.summary == sink.hello);
  CHECK(sink.server_hello.extensions.size() == 4);
  CHECK(sink.server_hello.alpn == std::string(64, 'p'));
  CHECK(sink.server_summary == sink.server_hello);
  CHECK(sink.ja3 == expected_ja3(sink.hello));
}

TEST_CASE("a TLS parser in flight holds at most 1 KiB itself") {
  // What the summary needs of both hellos (inline for common ones) and the framing state; the hellos
  // read in full, split messages, the certificate, the JA3 text and the counters are the workspace's
  // (was 21 KiB with them inline, then 1.5 KiB plus 2.8 KiB of reserved lists).
  STATIC_REQUIRE(sizeof(proto::tls::TlsParser) <= 1024);
}
