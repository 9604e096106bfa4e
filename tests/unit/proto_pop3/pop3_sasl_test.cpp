#include <array>
#include <cstdint>

#include <catch2/catch.hpp>

#include "proto/pop3/base64.hpp"
#include "proto/pop3/sasl.hpp"

using namespace spanwatch::proto::pop3;
using namespace std::string_view_literals;

TEST_CASE("base64 decodes with and without padding and refuses truncated or foreign input") {
  std::array<std::uint8_t, 64> out{};
  CHECK(decode_base64("dGlt", out) == "tim"sv);
  CHECK(decode_base64("cGFzcw==", out) == "pass"sv);
  CHECK(decode_base64("cGFzczE=", out) == "pass1"sv);
  CHECK(decode_base64("", out) == ""sv);
  CHECK_FALSE(decode_base64("cGFzcw=", out));
  CHECK_FALSE(decode_base64("cGF", out));
  CHECK_FALSE(decode_base64("cG!z", out));
  std::array<std::uint8_t, 2> small{};
  CHECK_FALSE(decode_base64("dGlt", small));
}

TEST_CASE("PLAIN gives the authentication identity and password") {
  const auto id = parse_plain("admin\0tim\0secret"sv);
  REQUIRE(id);
  CHECK(id->user == "tim");
  CHECK(id->secret == "secret");
  CHECK_FALSE(parse_plain("no separators"));
}

TEST_CASE("XOAUTH2 and OAUTHBEARER give the user and the bearer token") {
  const auto x = parse_xoauth2("user=joe\x01" "auth=Bearer tok\x01\x01");
  REQUIRE(x);
  CHECK(x->user == "joe");
  CHECK(x->secret == "tok");
  const auto o = parse_oauthbearer("n,a=user@example.com,\x01host=server\x01" "auth=Bearer vF9dft4qmT\x01\x01");
  REQUIRE(o);
  CHECK(o->user == "user@example.com");
  CHECK(o->secret == "vF9dft4qmT");
  CHECK_FALSE(parse_xoauth2("user=joe\x01\x01"));
}

TEST_CASE("mechanism names are case-insensitive") {
  CHECK(mechanism_of("plain") == spanwatch::events::pop3::Mechanism::plain);
  CHECK(mechanism_of("CRAM-MD5") == spanwatch::events::pop3::Mechanism::cram_md5);
  CHECK(mechanism_of("GSSAPI") == spanwatch::events::pop3::Mechanism::other);
}
