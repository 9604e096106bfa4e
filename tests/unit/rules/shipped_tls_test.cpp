// The shipped TLS rules: 9100005 downgrade, 9100006 legacy version, 9100007 RSA key transport.
#include <catch2/catch.hpp>

#include "rule_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;
using events::tls::KeyExchange;

namespace {

events::tls::Handshake handshake(std::uint16_t client_max, std::uint16_t negotiated,
                                 KeyExchange kex = KeyExchange::ecdhe) {
  events::tls::Handshake e;
  e.client_hello_seen = true;
  e.server_hello_seen = true;
  e.completed = true;
  e.client_max_version = client_max;
  e.client_legacy_version = client_max > 0x0303 ? 0x0303 : client_max;
  e.version = negotiated;
  e.key_exchange = kex;
  e.cipher_suite = kex == KeyExchange::rsa ? 0x002f : 0xc02f;
  e.cipher_name = kex == KeyExchange::rsa ? "TLS_RSA_WITH_AES_128_CBC_SHA" : "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
  e.server_name = "example.org";
  return e;
}

FlowContext tls_flow(std::uint64_t id) { return flow("10.0.0.5", "93.184.216.34", id, 10, 50000, 443); }

}  // namespace

TEST_CASE("9100005 fires when a TLS 1.2 client ends up on TLS 1.0, and 9100006 with it") {
  Harness h;
  h.feed(handshake(0x0303, 0x0301), tls_flow(1));
  REQUIRE(h.sink.count(9100005) == 1);
  CHECK(h.sink.count(9100006) == 1);
  CHECK(h.sink.first(9100005)->value("client_max_version") == "TLS 1.2");
  CHECK(h.sink.first(9100005)->value("negotiated_version") == "TLS 1.0");
}

TEST_CASE("9100005 fires on TLS_FALLBACK_SCSV alone") {
  Harness h;
  auto e = handshake(0x0302, 0x0302);
  e.fallback_scsv = true;
  h.feed(e, tls_flow(1));
  CHECK(h.sink.count(9100005) == 1);
  CHECK(h.sink.first(9100005)->value("fallback_scsv") == "true");
}

TEST_CASE("9100005 fires on the downgrade sentinel when the client offered TLS 1.3") {
  Harness h;
  auto e = handshake(0x0304, 0x0303);
  e.downgrade_sentinel = events::tls::DowngradeSentinel::tls12;
  h.feed(e, tls_flow(1));
  CHECK(h.sink.count(9100005) == 1);
  CHECK(h.sink.first(9100005)->value("downgrade_sentinel") == "tls12");
}

TEST_CASE("9100005 stays silent for a clean TLS 1.3 to 1.2 negotiation and for a TLS 1.0-only client") {
  Harness h;
  h.feed(handshake(0x0304, 0x0303), tls_flow(1));
  h.feed(handshake(0x0304, 0x0304), tls_flow(2));
  h.feed(handshake(0x7f1c, 0x7f1c), tls_flow(3));  // draft 28 counts as 1.3
  CHECK(h.sink.alerts.empty());
  h.feed(handshake(0x0301, 0x0301), tls_flow(4));
  CHECK(h.sink.count(9100005) == 0);
  CHECK(h.sink.count(9100006) == 1);
}

TEST_CASE("9100006 fires for SSLv2, SSLv3, TLS 1.0 and 1.1, not without a ServerHello") {
  Harness h;
  std::uint64_t id = 1;
  for (std::uint16_t v : {0x0002, 0x0300, 0x0301, 0x0302}) h.feed(handshake(v, v), tls_flow(id++));
  CHECK(h.sink.count(9100006) == 4);
  CHECK(h.sink.alerts[0].value("negotiated_version") == "SSLv2");
  auto no_server = handshake(0x0301, 0);
  no_server.server_hello_seen = false;
  h.feed(no_server, tls_flow(id++));
  CHECK(h.sink.count(9100006) == 4);
}

TEST_CASE("9100007 fires on an RSA key-transport suite and not on ECDHE") {
  Harness h;
  h.feed(handshake(0x0303, 0x0303, KeyExchange::ecdhe), tls_flow(1));
  CHECK(h.sink.alerts.empty());
  h.feed(handshake(0x0303, 0x0303, KeyExchange::rsa), tls_flow(2));
  h.feed(handshake(0x0303, 0x0303, KeyExchange::rsa_export), tls_flow(3));
  REQUIRE(h.sink.count(9100007) == 2);
  CHECK(h.sink.first(9100007)->value("cipher_suite") == "0x002f");
  CHECK(h.sink.first(9100007)->value("cipher_name") == "TLS_RSA_WITH_AES_128_CBC_SHA");
}

TEST_CASE("TLS rules raise once per flow even when the handshake is reported twice") {
  Harness h;
  h.feed(handshake(0x0303, 0x0301, KeyExchange::rsa), tls_flow(1));
  h.feed(handshake(0x0303, 0x0301, KeyExchange::rsa), tls_flow(1));
  CHECK(h.sink.count(9100005) == 1);
  CHECK(h.sink.count(9100006) == 1);
  CHECK(h.sink.count(9100007) == 1);
  CHECK(h.evaluator.stats().deduplicated == 3);
}

TEST_CASE("9100007 says whether the client had offered a forward-secret suite") {
  Harness h;
  auto policy = handshake(0x0303, 0x0303, KeyExchange::rsa);
  policy.offered_forward_secrecy = true;  // the client offered ECDHE; the server chose RSA
  auto legacy = handshake(0x0303, 0x0303, KeyExchange::rsa);
  legacy.offered_forward_secrecy = false;
  h.feed(policy, tls_flow(1));
  h.feed(legacy, tls_flow(2));
  REQUIRE(h.sink.count(9100007) == 2);
  CHECK(h.sink.alerts[0].value("client_offered_forward_secrecy") == "true");
  CHECK(h.sink.alerts[0].value("fault") == "server policy");
  CHECK(h.sink.alerts[1].value("client_offered_forward_secrecy") == "false");
  CHECK(h.sink.alerts[1].value("fault") == "legacy client");
}
