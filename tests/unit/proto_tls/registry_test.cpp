#include <catch2/catch.hpp>

#include "proto/tls/cipher_suites.hpp"
#include "proto/tls/probe.hpp"
#include "support/tls_builder.hpp"

using namespace spanwatch;
using proto::tls::find_cipher_suite;
using events::tls::KeyExchange;

TEST_CASE("the cipher registry names every assigned code point with its key-exchange class") {
  CHECK(find_cipher_suite(0x0004).name == "TLS_RSA_WITH_RC4_128_MD5");
  CHECK(find_cipher_suite(0x0004).key_exchange == KeyExchange::rsa);
  CHECK(find_cipher_suite(0x0003).key_exchange == KeyExchange::rsa_export);
  CHECK(find_cipher_suite(0x0039).key_exchange == KeyExchange::dhe);
  CHECK(find_cipher_suite(0x0037).key_exchange == KeyExchange::dh);
  CHECK(find_cipher_suite(0xc02f).key_exchange == KeyExchange::ecdhe);
  CHECK(find_cipher_suite(0xc005).key_exchange == KeyExchange::ecdh);
  CHECK(find_cipher_suite(0x0018).key_exchange == KeyExchange::dh_anon);
  CHECK(find_cipher_suite(0xc018).key_exchange == KeyExchange::ecdh_anon);
  CHECK(find_cipher_suite(0x00a8).key_exchange == KeyExchange::psk);
  CHECK(find_cipher_suite(0xc0aa).key_exchange == KeyExchange::dhe_psk);
  CHECK(find_cipher_suite(0xd001).key_exchange == KeyExchange::ecdhe_psk);
  CHECK(find_cipher_suite(0x00ac).key_exchange == KeyExchange::rsa_psk);
  CHECK(find_cipher_suite(0x1301).key_exchange == KeyExchange::tls13);
  CHECK(find_cipher_suite(0x5600).key_exchange == KeyExchange::scsv);
  CHECK(find_cipher_suite(0x00ff).key_exchange == KeyExchange::scsv);
  CHECK(find_cipher_suite(0xdada).key_exchange == KeyExchange::grease);
  CHECK(find_cipher_suite(0x0060).name.empty());
  CHECK(find_cipher_suite(0x0060).key_exchange == KeyExchange::unknown);
  CHECK(proto::tls::cipher_suite_registry().size() > 350);
}

TEST_CASE("the probe recognises hello records and SSLv2-compatible hellos, and rejects other bytes") {
  using proto::ProbeResult;
  using core::Direction;
  namespace t = testing::tls;
  t::ClientHelloSpec spec;
  const auto hello = t::record(t::ContentType::handshake, 0x0301, t::client_hello(spec));
  CHECK(proto::tls::probe_tls(Direction::to_server, hello) == ProbeResult::yes);
  CHECK(proto::tls::probe_tls(Direction::to_server, core::Bytes(hello).first(3)) == ProbeResult::maybe);
  CHECK(proto::tls::probe_tls(Direction::to_client, hello) == ProbeResult::no);  // a server does not send ClientHello
  const std::uint8_t sslv2[] = {0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15};
  CHECK(proto::tls::probe_tls(Direction::to_server, sslv2) == ProbeResult::yes);
  CHECK(proto::tls::probe_tls(Direction::to_server, core::as_bytes("USER anonymous\r\n")) == ProbeResult::no);
  const std::uint8_t huge[] = {0x16, 0x03, 0x01, 0xff, 0xff, 0x01};
  CHECK(proto::tls::probe_tls(Direction::to_server, huge) == ProbeResult::no);
}
