#include <catch2/catch.hpp>

#include <algorithm>

#include "conversations.hpp"
#include "proto/tls/versions.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;
using namespace spanwatch::testing::tls_test;
namespace ev = spanwatch::events::tls;

TEST_CASE("a TLS 1.2 handshake gives both hellos, the certificate and one completed summary, then stops") {
  RecordingSink sink;
  const auto result = feed(tls12_full_handshake(), 0, sink);
  CHECK(result.stopped);
  REQUIRE(sink.client_hellos.size() == 1);
  REQUIRE(sink.server_hellos.size() == 1);
  CHECK(sink.certificates == 1);
  CHECK(sink.anomalies.empty());
  REQUIRE(sink.handshakes.size() == 1);
  const auto& h = sink.handshakes[0];
  CHECK(h.fields.completed);
  CHECK(h.fields.end == ev::HandshakeEnd::completed);
  CHECK(h.fields.client_legacy_version == 0x0303);
  CHECK(h.fields.client_max_version == 0x0303);
  CHECK(h.fields.version == 0x0303);
  CHECK(h.fields.cipher_suite == 0xc02f);
  CHECK(h.cipher_name == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  CHECK(h.fields.key_exchange == ev::KeyExchange::ecdhe);
  CHECK(h.fields.server_key_exchange_seen);
  CHECK(h.fields.renegotiation_scsv);
  CHECK_FALSE(h.fields.fallback_scsv);
  CHECK(h.fields.offered_forward_secrecy);  // 0xc02f is ECDHE
  CHECK(h.server_name == "files.example.test");
  CHECK(h.offered_ciphers == std::vector<std::uint16_t>{0x0a0a, 0xc02f, 0x002f, 0x00ff});
  CHECK(h.subject == "CN=files.example.test, O=Spanwatch Demo");
  CHECK(h.issuer == h.subject);
  CHECK(h.serial.rfind("7E:FB:70:C3", 0) == 0);
  CHECK(h.fingerprint.size() == 59);
  CHECK(h.fields.certificate_chain_length == 1);
  CHECK(h.fields.not_after > h.fields.not_before);
  // JA3 leaves GREASE out: version 771, ciphers 49199-47-255.
  CHECK(h.ja3.rfind("771,49199-47-255,0-65281-10-11-13,29-23-24,0", 0) == 0);
  CHECK(h.ja3_hash.size() == 32);
  CHECK(h.ja3s == "771,49199,65281");
}

TEST_CASE("TLS records split anywhere give the same events as whole records") {
  for (const auto& conversation : {tls12_full_handshake(), tls13_handshake()}) {
    RecordingSink whole_sink, byte_sink;
    const auto whole = feed(conversation, 0, whole_sink);
    const auto bytewise = feed(conversation, 1, byte_sink);
    CHECK(whole.lines == bytewise.lines);
    for (const auto& split : feed_split_everywhere(conversation)) REQUIRE(split == whole.lines);
  }
}

TEST_CASE("TLS 1.3: the version comes from supported_versions, GREASE is ignored, the flow stops at the ServerHello") {
  RecordingSink sink;
  const auto result = feed(tls13_handshake(), 0, sink);
  CHECK(result.stopped);
  REQUIRE(sink.handshakes.size() == 1);
  const auto& h = sink.handshakes[0].fields;
  CHECK(h.client_max_version == 0x0304);
  CHECK(h.version == 0x0304);
  CHECK(h.cipher_suite == 0x1301);
  CHECK(h.key_exchange == ev::KeyExchange::tls13);
  CHECK(h.completed);
  CHECK(h.resumption == ev::Resumption::none);  // the echoed session id is middlebox compatibility
  REQUIRE(sink.server_hellos.size() == 1);
  CHECK(sink.server_hellos[0].legacy_version == 0x0303);
  CHECK(sink.server_hellos[0].selected_version == 0x0304);
}

TEST_CASE("TLS 1.3 drafts rank above TLS 1.2 and below TLS 1.3; draft versions are reported as sent") {
  using proto::tls::version_rank;
  CHECK(version_rank(0x0304) > version_rank(0x7f1c));
  CHECK(version_rank(0x7f1c) > version_rank(0x7f12));
  CHECK(version_rank(0x7f12) > version_rank(0x7e01));
  CHECK(version_rank(0x7e01) > version_rank(0x0303));
  CHECK(version_rank(0x0303) > version_rank(0x0300));
  CHECK(version_rank(0x0a0a) == 0);
  RecordingSink sink;
  feed(tls13_handshake(0x7f1c), 0, sink);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.version == 0x7f1c);
}

TEST_CASE("a HelloRetryRequest is flagged and the second ClientHello and ServerHello complete the handshake") {
  t::ClientHelloSpec client;
  client.supported_versions = {0x0304};
  client.x25519_key_share = Frame(32, 1);
  t::ServerHelloSpec retry;
  retry.selected_version = 0x0304;
  retry.cipher_suite = 0x1302;
  retry.random = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
                  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
  t::ServerHelloSpec final_hello = retry;
  final_hello.random = {};
  final_hello.x25519_key_share = Frame(32, 2);
  const Conversation conversation = {
      {Direction::to_server, handshake_record(0x0301, t::client_hello(client))},
      {Direction::to_client, handshake_record(0x0303, t::server_hello(retry))},
      {Direction::to_server, handshake_record(0x0303, t::client_hello(client))},
      {Direction::to_client, handshake_record(0x0303, t::server_hello(final_hello))},
  };
  RecordingSink sink;
  const auto result = feed(conversation, 0, sink);
  CHECK(result.stopped);
  REQUIRE(sink.server_hellos.size() == 2);
  CHECK(sink.server_hellos[0].hello_retry_request);
  CHECK_FALSE(sink.server_hellos[1].hello_retry_request);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.hello_retry_request);
  CHECK(sink.handshakes[0].fields.client_hellos == 2);
  CHECK(sink.handshakes[0].fields.cipher_suite == 0x1302);
}

TEST_CASE("the RFC 8446 downgrade sentinel in ServerHello.random is reported") {
  auto conversation = tls12_full_handshake();
  // Patch the ServerHello random's last 8 bytes: record(5) + handshake header(4) + version(2) + 24.
  auto& server = conversation[1].bytes;
  const std::array<std::uint8_t, 8> sentinel = {'D', 'O', 'W', 'N', 'G', 'R', 'D', 0x01};
  std::copy(sentinel.begin(), sentinel.end(), server.begin() + 5 + 4 + 2 + 24);
  RecordingSink sink;
  feed(conversation, 0, sink);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.downgrade_sentinel == ev::DowngradeSentinel::tls12);
}

TEST_CASE("TLS_FALLBACK_SCSV and the server's inappropriate_fallback alert end the handshake with that alert") {
  t::ClientHelloSpec client;
  client.legacy_version = 0x0302;
  client.cipher_suites = {0xc013, 0x002f, 0x5600};
  const Conversation conversation = {
      {Direction::to_server, handshake_record(0x0301, t::client_hello(client))},
      {Direction::to_client, t::alert_record(0x0302, t::alert::fatal, t::alert::inappropriate_fallback)},
  };
  RecordingSink sink;
  const auto result = feed(conversation, 0, sink);
  CHECK(result.stopped);
  REQUIRE(sink.alerts.size() == 1);
  CHECK(sink.alerts[0].description_name == "inappropriate_fallback");
  CHECK(sink.alerts[0].level == 2);
  REQUIRE(sink.handshakes.size() == 1);
  const auto& h = sink.handshakes[0];
  CHECK(h.fields.fallback_scsv);
  CHECK(h.fields.end == ev::HandshakeEnd::alert);
  CHECK_FALSE(h.fields.server_hello_seen);
  CHECK(h.server_alert_name == "inappropriate_fallback");
  CHECK(h.fields.client_max_version == 0x0302);
}

TEST_CASE("an SSLv2-compatible ClientHello is read, its TLS cipher specs kept") {
  const Conversation conversation = {{Direction::to_server, sslv2_client_hello()}};
  RecordingSink sink;
  feed(conversation, 0, sink);
  REQUIRE(sink.client_hellos.size() == 1);
  CHECK(sink.client_hellos[0].sslv2_compatible);
  CHECK(sink.client_hellos[0].legacy_version == 0x0301);
  CHECK(sink.client_hellos[0].record_version == 0x0002);
  REQUIRE(sink.handshakes.size() == 1);  // finish() reports the unanswered hello
  CHECK(sink.handshakes[0].offered_ciphers == std::vector<std::uint16_t>{0x0004, 0x0039, 0x00ff});
  CHECK(sink.handshakes[0].fields.renegotiation_scsv);
  CHECK(sink.handshakes[0].fields.offered_forward_secrecy);  // 0x0039 is DHE
  CHECK(sink.handshakes[0].fields.end == ev::HandshakeEnd::flow_ended);
}

TEST_CASE("a handshake message fragmented over many records is reassembled") {
  t::ClientHelloSpec client;
  client.server_name = "fragmented.example.test";
  const Frame hello = t::client_hello(client);
  Frame records;
  for (std::size_t at = 0; at < hello.size(); at += 7) {
    const Frame piece(hello.begin() + static_cast<std::ptrdiff_t>(at),
                      hello.begin() + static_cast<std::ptrdiff_t>(std::min(at + 7, hello.size())));
    append(records, handshake_record(0x0301, piece));
  }
  RecordingSink sink;
  feed({{Direction::to_server, records}}, 0, sink);
  REQUIRE(sink.client_hellos.size() == 1);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].server_name == "fragmented.example.test");
  CHECK(sink.anomalies.empty());
}

TEST_CASE("session resumption: the ServerHello echoing the client's session id") {
  t::ClientHelloSpec client;
  client.session_id = Frame(32, 0x77);
  t::ServerHelloSpec server;
  server.session_id = Frame(32, 0x77);
  const Conversation conversation = {
      {Direction::to_server, handshake_record(0x0301, t::client_hello(client))},
      {Direction::to_client, concat({handshake_record(0x0303, t::server_hello(server)), t::change_cipher_spec(0x0303),
                                     encrypted_finished(0x0303)})},
      {Direction::to_server, concat({t::change_cipher_spec(0x0303), encrypted_finished(0x0303)})},
  };
  RecordingSink sink;
  const auto result = feed(conversation, 0, sink);
  CHECK(result.stopped);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.resumption == ev::Resumption::session_id);
  CHECK(sink.handshakes[0].fields.completed);
  CHECK_FALSE(sink.handshakes[0].fields.certificate_seen);
}

TEST_CASE("a second ClientHello without HelloRetryRequest is reported; the summary keeps the first") {
  t::ClientHelloSpec first;
  first.supported_versions = {0x0304, 0x0303};
  first.server_name = "first.example.test";
  t::ClientHelloSpec second;
  second.server_name = "second.example.test";
  const Conversation conversation = {
      {Direction::to_server, concat({handshake_record(0x0301, t::client_hello(first)),
                                     handshake_record(0x0301, t::client_hello(second))})},
  };
  RecordingSink sink;
  feed(conversation, 0, sink);
  REQUIRE(sink.client_hellos.size() == 2);
  CHECK(sink.client_hellos[1].index == 2);
  CHECK(sink.client_hellos[1].max_version == 0x0303);
  CHECK(std::count(sink.anomalies.begin(), sink.anomalies.end(), "tls.duplicate_client_hello") == 1);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.client_hellos == 2);
  CHECK(sink.handshakes[0].fields.client_max_version == 0x0304);
  CHECK(sink.handshakes[0].server_name == "first.example.test");
}

TEST_CASE("TLS 1.3 middlebox-compatibility ChangeCipherSpec around a HelloRetryRequest leaves the hellos readable") {
  t::ClientHelloSpec client;
  client.supported_versions = {0x0304, 0x0303};
  client.x25519_key_share = Frame(32, 1);
  client.session_id = Frame(32, 5);
  t::ServerHelloSpec retry;
  retry.selected_version = 0x0304;
  retry.session_id = Frame(32, 5);
  retry.cipher_suite = 0x1301;
  retry.random = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
                  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
  t::ServerHelloSpec final_hello = retry;
  final_hello.random = {};
  const Conversation conversation = {
      {Direction::to_server, handshake_record(0x0301, t::client_hello(client))},
      {Direction::to_client, concat({handshake_record(0x0303, t::server_hello(retry)), t::change_cipher_spec(0x0303)})},
      {Direction::to_server, concat({t::change_cipher_spec(0x0303), handshake_record(0x0303, t::client_hello(client))})},
      {Direction::to_client, handshake_record(0x0303, t::server_hello(final_hello))},
  };
  RecordingSink sink;
  CHECK(feed(conversation, 0, sink).stopped);
  CHECK(sink.client_hellos.size() == 2);
  REQUIRE(sink.server_hellos.size() == 2);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK(sink.handshakes[0].fields.client_hellos == 2);
  CHECK(sink.handshakes[0].fields.hello_retry_request);
  CHECK(sink.handshakes[0].fields.completed);
  CHECK(sink.anomalies.empty());
}

TEST_CASE("a client offering only RSA key transport has not offered forward secrecy") {
  t::ClientHelloSpec client;
  client.cipher_suites = {0x0004, 0x002f, 0x00ff};
  RecordingSink sink;
  feed({{Direction::to_server, handshake_record(0x0301, t::client_hello(client))}}, 0, sink);
  REQUIRE(sink.handshakes.size() == 1);
  CHECK_FALSE(sink.handshakes[0].fields.offered_forward_secrecy);
}
