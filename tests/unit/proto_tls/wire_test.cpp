#include <catch2/catch.hpp>

#include "proto/tls/client_state.hpp"
#include "proto/tls/server_state.hpp"
#include "proto/tls/wire.hpp"
#include "support/tls_builder.hpp"

using namespace spanwatch;
using namespace spanwatch::testing;
namespace t = spanwatch::testing::tls;

namespace {


// A ClientHello body with hand-built extensions.
Frame client_hello_body(const Frame& extensions) {
  Frame b;
  put16(b, 0x0303);
  append(b, Frame(32, 1));
  put8(b, 0);
  put16(b, 4);
  put16(b, 0x1301);
  put16(b, 0x0a0a);
  put8(b, 1);
  put8(b, 0);
  put16(b, static_cast<std::uint16_t>(extensions.size()));
  append(b, extensions);
  return b;
}

}  // namespace

TEST_CASE("ClientHello extensions: ALPN, session ticket, pre_shared_key, psk modes and key share groups") {
  Frame extensions;
  append(extensions, t::alpn_extension({"h2", "http/1.1"}));
  append(extensions, t::extension(35, Frame{0xde, 0xad}));        // session_ticket with a ticket
  append(extensions, t::extension(45, Frame{1, 1}));              // psk_dhe_ke
  Frame key_share;
  put16(key_share, 11);  // {0x0a0a, 1 byte} {x25519, 2 bytes}
  put16(key_share, 0x0a0a);
  put16(key_share, 1);
  put8(key_share, 0);
  put16(key_share, 0x001d);
  put16(key_share, 2);
  put16(key_share, 0xabcd);
  append(extensions, t::extension(51, key_share));
  append(extensions, t::extension(41, Frame{0, 0}));              // pre_shared_key (last)
  const Frame body = client_hello_body(extensions);

  proto::tls::ClientHelloWire wire;
  REQUIRE(proto::tls::parse_client_hello(body, wire) == proto::tls::WireError::none);
  proto::tls::ClientState state{proto::tls::TlsOptions{}};
  CHECK(state.read(wire, 0x0301, false).empty());
  const auto e = state.event();
  REQUIRE(e.alpn.size() == 2);
  CHECK(e.alpn[0] == "h2");
  CHECK(e.alpn[1] == "http/1.1");
  CHECK(e.session_ticket);
  CHECK(e.session_ticket_data);
  CHECK(e.pre_shared_key);
  CHECK(std::vector<std::uint8_t>(e.psk_key_exchange_modes.begin(), e.psk_key_exchange_modes.end()) ==
        std::vector<std::uint8_t>{1});
  CHECK(std::vector<std::uint16_t>(e.key_share_groups.begin(), e.key_share_groups.end()) ==
        std::vector<std::uint16_t>{0x0a0a, 0x001d});
  CHECK(std::vector<std::uint16_t>(e.extensions.begin(), e.extensions.end()) ==
        std::vector<std::uint16_t>{16, 35, 45, 51, 41});
  CHECK(e.max_version == 0x0303);
}

TEST_CASE("a malformed extension body is reported without losing the rest of the hello") {
  Frame extensions;
  append(extensions, t::extension(43, Frame{5, 0x03, 0x04}));  // supported_versions list overruns
  append(extensions, t::server_name_extension("still.example.test"));
  proto::tls::ClientHelloWire wire;
  const Frame body = client_hello_body(extensions);  // the wire holds views into it
  REQUIRE(proto::tls::parse_client_hello(body, wire) == proto::tls::WireError::none);
  proto::tls::ClientState state{proto::tls::TlsOptions{}};
  CHECK(state.read(wire, 0x0301, false) == "tls.malformed_extension");
  CHECK(state.server_name.view() == "still.example.test");
  CHECK(state.max_version == 0x0303);
}

TEST_CASE("record headers: types, versions and lengths are checked") {
  proto::tls::RecordHeader h;
  const std::uint8_t ok[] = {22, 3, 3, 0x40, 0x00};
  CHECK(proto::tls::parse_record_header(ok, h) == proto::tls::WireError::none);
  CHECK(h.length == 0x4000);
  const std::uint8_t bad_type[] = {99, 3, 3, 0, 1};
  CHECK(proto::tls::parse_record_header(bad_type, h) == proto::tls::WireError::bad_type);
  const std::uint8_t bad_version[] = {22, 4, 0, 0, 1};
  CHECK(proto::tls::parse_record_header(bad_version, h) == proto::tls::WireError::bad_version);
  const std::uint8_t too_long[] = {23, 3, 3, 0x48, 0x01};
  CHECK(proto::tls::parse_record_header(too_long, h) == proto::tls::WireError::too_long);
  CHECK(proto::tls::parse_record_header(core::Bytes(ok).first(4), h) == proto::tls::WireError::truncated);
}

TEST_CASE("a pre-draft-22 TLS 1.3 ServerHello carries its version in the version field") {
  // draft-16 layout: version, random, cipher suite, extensions (no session id, no compression).
  Frame body;
  put16(body, 0x7f10);
  append(body, Frame(32, 9));
  put16(body, 0x1301);
  const Frame key_share = t::extension(40, Frame{0x00, 0x1d, 0x00, 0x00});
  put16(body, static_cast<std::uint16_t>(key_share.size()));
  append(body, key_share);
  proto::tls::ServerState server{proto::tls::TlsOptions{}};
  CHECK(server.read(body, 0x0301, {}).empty());
  CHECK(server.version == 0x7f10);
  CHECK(server.cipher_suite == 0x1301);
}
