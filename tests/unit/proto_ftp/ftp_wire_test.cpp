#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/ftp/wire.hpp"

using namespace spanwatch::proto::ftp;
using spanwatch::proto::testing::text_of;

TEST_CASE("PORT argument gives the announced IPv4 address and port") {
  const auto hp = parse_port_argument("192,168,1,100,200,100");
  REQUIRE(hp);
  CHECK(text_of(hp->address) == "192.168.1.100");
  CHECK(hp->port == 51300);
}

TEST_CASE("PORT arguments with missing, extra or out-of-range numbers are rejected, not guessed") {
  CHECK_FALSE(parse_port_argument("114,115"));
  CHECK_FALSE(parse_port_argument("1,2,3,4,5,6,7"));
  CHECK_FALSE(parse_port_argument("1,2,3,256,5,6"));
  CHECK_FALSE(parse_port_argument("1,2,3,4,5,x"));
  CHECK_FALSE(parse_port_argument(""));
  CHECK_FALSE(parse_port_argument("1,2,3,4,5,"));
}

TEST_CASE("EPRT carries IPv4 with protocol 1 and IPv6 with protocol 2") {
  const auto v4 = parse_eprt_argument("|1|132.235.1.2|6275|");
  REQUIRE(v4);
  CHECK(text_of(v4->address) == "132.235.1.2");
  CHECK(v4->port == 6275);
  const auto v6 = parse_eprt_argument("|2|fd00:10:16:1::3|40467|");
  REQUIRE(v6);
  CHECK(text_of(v6->address) == "fd00:10:16:1::3");
  CHECK(v6->port == 40467);
  CHECK(parse_eprt_argument("!1!10.0.0.1!21!"));
}

TEST_CASE("EPRT with a bad delimiter, a family mismatch or a bad port is rejected") {
  CHECK_FALSE(parse_eprt_argument("1|1|10.0.0.1|21|"));   // digit delimiter
  CHECK_FALSE(parse_eprt_argument("|1|10.0.0.1|21!"));    // delimiters differ
  CHECK_FALSE(parse_eprt_argument("|1|fd00::1|21|"));     // IPv6 under protocol 1
  CHECK_FALSE(parse_eprt_argument("|2|10.0.0.1|21|"));    // IPv4 under protocol 2
  CHECK_FALSE(parse_eprt_argument("|1|10.0.0.1|70000|"));
  CHECK_FALSE(parse_eprt_argument("|3|10.0.0.1|21|"));
  CHECK_FALSE(parse_eprt_argument("|1|10.0.0.1|21|extra|"));
}

TEST_CASE("LPRT carries IPv4 and IPv6 with their address and port lengths") {
  const auto v4 = parse_lprt_argument("4,4,10,0,0,7,2,4,1");
  REQUIRE(v4);
  CHECK(text_of(v4->address) == "10.0.0.7");
  CHECK(v4->port == 1025);
  const auto v6 = parse_lprt_argument("6,16,254,128,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21");
  REQUIRE(v6);
  CHECK(text_of(v6->address) == "fe80::1");
  CHECK(v6->port == 21);
  CHECK_FALSE(parse_lprt_argument("4,16,10,0,0,7,2,4,1"));
  CHECK_FALSE(parse_lprt_argument("4,4,10,0,0,7,3,4,1,0"));
}

TEST_CASE("PASV, LPSV and EPSV replies give the passive endpoint") {
  const auto pasv = parse_pasv_reply("Entering Passive Mode (127,0,0,1,195,80).");
  REQUIRE(pasv);
  CHECK(text_of(pasv->address) == "127.0.0.1");
  CHECK(pasv->port == 50000);
  const auto epsv = parse_epsv_reply("Entering Extended Passive Mode (|||6446|)");
  REQUIRE(epsv);
  CHECK_FALSE(epsv->has_address);
  CHECK(epsv->port == 6446);
  CHECK_FALSE(parse_epsv_reply("Entering Extended Passive Mode (|1|6446|)"));
  CHECK_FALSE(parse_pasv_reply("Entering Passive Mode"));
}

TEST_CASE("reply lines are final, first of many, or without a code") {
  const auto final = parse_reply_line("230 Login successful.");
  CHECK(final.kind == ReplyLine::Kind::final);
  CHECK(final.code == 230);
  CHECK(final.text == "Login successful.");
  CHECK(parse_reply_line("211-Features:").kind == ReplyLine::Kind::first_of_many);
  CHECK(parse_reply_line(" EPRT").kind == ReplyLine::Kind::no_code);
  CHECK(parse_reply_line("22x ok").kind == ReplyLine::Kind::no_code);
  CHECK(parse_reply_line("2300 ok").kind == ReplyLine::Kind::no_code);
  CHECK_FALSE(parse_reply_line("999 odd").valid());
  CHECK_FALSE(parse_reply_line("099 odd").valid());
  CHECK(parse_reply_line("200").kind == ReplyLine::Kind::final);
}

TEST_CASE("commands are letters then a space or the end") {
  const auto c = parse_command("user anonymous");
  REQUIRE(c);
  CHECK(c->verb == "user");
  CHECK(c->arguments == "anonymous");
  CHECK(parse_command("PASV"));
  CHECK_FALSE(parse_command("\x16\x03\x01"));
  CHECK_FALSE(parse_command("US3R x"));
  CHECK_FALSE(parse_command(""));
}
