#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "eve_record_support.hpp"

using namespace spanwatch;
using namespace spanwatch::testing::tls_test;

namespace {
rapidjson::Document parse(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
}  // namespace

TEST_CASE("the tls record carries Suricata's version names and the cipher as an integer") {
  const auto lines = eve_lines(tls12_full_handshake());
  REQUIRE(lines.size() == 1);
  const auto d = parse(lines[0]);
  CHECK(std::string(d["event_type"].GetString()) == "tls");
  const auto& tls = d["tls"];
  CHECK(std::string(tls["version"].GetString()) == "TLS 1.2");
  CHECK(std::string(tls["sni"].GetString()) == "files.example.test");
  CHECK(std::string(tls["subject"].GetString()) == "CN=files.example.test, O=Spanwatch Demo");
  CHECK(std::string(tls["notafter"].GetString()).size() == 19);
  CHECK(std::string(tls["server_handshake"]["version"].GetString()) == "TLS 1.2");
  CHECK(tls["server_handshake"]["cipher"].GetInt() == 0xc02f);
  CHECK(tls["client_handshake"]["ciphers"].Size() == 4);
  CHECK(std::string(tls["ja3"]["hash"].GetString()).size() == 32);
}

TEST_CASE("a TLS 1.3 draft keeps its exact code point in server_handshake.version") {
  const auto lines = eve_lines(tls13_handshake(0x7f1c));
  REQUIRE(lines.size() == 1);
  const auto d = parse(lines[0]);
  CHECK(std::string(d["tls"]["version"].GetString()) == "TLS 1.3 draft-28");
  CHECK(std::string(d["tls"]["server_handshake"]["version"].GetString()) == "0x7f1c");
}
