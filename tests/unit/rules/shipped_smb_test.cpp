// The shipped SMB rules: 9100001 logon failure burst, 9100008 password spray, 9100009 success after a burst.
#include <catch2/catch.hpp>

#include "rule_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

constexpr std::uint32_t logon_failure = 0xC000006D;

events::smb::SessionSetup setup(std::string_view user, std::uint32_t status, std::string_view name = "STATUS_LOGON_FAILURE") {
  events::smb::SessionSetup e;
  e.user = user;
  e.domain = "CORP";
  e.mechanism = events::smb::Mechanism::ntlmssp;
  e.status.code = status;
  e.status.name = name;
  e.auth_failure = status != 0;
  return e;
}

const char* const client = "192.168.1.10";
const char* const server = "192.168.1.20";

}  // namespace

TEST_CASE("9100001 fires once on five logon failures within 60 s, with count and users") {
  Harness h;
  const char* users[] = {"alice", "bob", "alice", "carol", "alice"};
  for (int i = 0; i < 5; ++i) h.feed(setup(users[i], logon_failure), flow(client, server, 10 + i, 1000 + i * 10));
  REQUIRE(h.sink.count(9100001) == 1);
  const SeenAlert& a = *h.sink.first(9100001);
  CHECK(a.value("failures") == "5");
  CHECK(a.value("distinct_users") == "3");
  CHECK(a.value("users") == "alice,bob,carol");
  CHECK(a.value("last_status") == "STATUS_LOGON_FAILURE");
  CHECK(a.metadata.at("mitre_technique_id") == std::vector<std::string>{"T1110", "T1110.001"});
  // More failures inside the same burst window raise nothing more.
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 20, 1045 + i));
  CHECK(h.sink.count(9100001) == 1);
}

TEST_CASE("9100001 fires again for a second burst after the first window closed") {
  Harness h;
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i));
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 2, 400 + i));
  CHECK(h.sink.count(9100001) == 2);
}

TEST_CASE("9100001 stays silent on four failures") {
  Harness h;
  for (int i = 0; i < 4; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i));
  CHECK(h.sink.count(9100001) == 0);
}

TEST_CASE("9100001 stays silent on five failures spread over 61 s") {
  Harness h;
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i * 15.25));
  CHECK(h.sink.count(9100001) == 0);
}

TEST_CASE("9100001 fires on five failures within just under 60 s, not when the fifth comes at exactly 60 s") {
  Harness inside;
  for (int i = 0; i < 5; ++i) inside.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i * 14.99));
  CHECK(inside.sink.count(9100001) == 1);
  Harness at_edge;  // Suricata's window: matches less than `seconds` after the first
  for (int i = 0; i < 5; ++i) at_edge.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i * 15.0));
  CHECK(at_edge.sink.count(9100001) == 0);
}

TEST_CASE("9100001 windows are Suricata's: opened by the first failure, not sliding") {
  Harness h;
  // 0 and 40 in the window opened at 0; 70..85 are four in the next: silent until a fifth.
  for (double t : {0.0, 40.0, 70.0, 75.0, 80.0, 85.0}) h.feed(setup("alice", logon_failure), flow(client, server, 1, 1000 + t));
  CHECK(h.sink.count(9100001) == 0);
  h.feed(setup("alice", logon_failure), flow(client, server, 1, 1090));
  CHECK(h.sink.count(9100001) == 1);
}

TEST_CASE("9100001 counts per client/server pair, not per client") {
  Harness h;
  for (int i = 0; i < 3; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i));
  for (int i = 0; i < 3; ++i) h.feed(setup("alice", logon_failure), flow(client, "192.168.1.21", 2, 103 + i));
  CHECK(h.sink.count(9100001) == 0);
}

TEST_CASE("9100001 ignores ACCESS_DENIED and counts the SMB1 ERRbadpw DOS error") {
  Harness h;
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", 0xC0000022, "STATUS_ACCESS_DENIED"), flow(client, server, 1, 100 + i));
  CHECK(h.sink.count(9100001) == 0);
  for (int i = 0; i < 5; ++i) {
    auto e = setup("alice", 0x00020002, "SRV_BADPW");
    e.status.dos = true;
    e.version = events::smb::Version::smb1;
    h.feed(e, flow(client, "192.168.1.30", 2, 200 + i));
  }
  CHECK(h.sink.count(9100001) == 1);
}

TEST_CASE("9100008 fires on five distinct users failing from one client within 5 minutes") {
  Harness h;
  const char* users[] = {"u1", "u2", "u3", "u4", "u5"};
  for (int i = 0; i < 5; ++i)  // spread over servers and 4 minutes: no 9100001 burst
    h.feed(setup(users[i], logon_failure), flow(client, i % 2 ? server : "192.168.1.21", 1 + i, 1000 + i * 60));
  CHECK(h.sink.count(9100008) == 1);
  CHECK(h.sink.count(9100001) == 0);
  CHECK(h.sink.first(9100008)->value("distinct_users") == "5");
}

TEST_CASE("9100008 stays silent when the same user fails many times") {
  Harness h;
  const char* users[] = {"u1", "u2", "u3", "u4", "u1", "u2", "u3", "u4"};
  for (int i = 0; i < 8; ++i) h.feed(setup(users[i], logon_failure), flow(client, server, 1, 1000 + i * 20));
  CHECK(h.sink.count(9100008) == 0);
}

TEST_CASE("9100009 fires on a success within 5 minutes after a burst between the same hosts") {
  Harness h;
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 1, 100 + i));
  REQUIRE(h.sink.count(9100001) == 1);
  h.feed(setup("alice", 0, "STATUS_SUCCESS"), flow(client, server, 2, 350));
  REQUIRE(h.sink.count(9100009) == 1);
  CHECK(h.sink.first(9100009)->value("user") == "CORP\\alice");
}

TEST_CASE("9100009 stays silent for a success without a burst, too late, or to another server") {
  Harness h;
  h.feed(setup("alice", 0, "STATUS_SUCCESS"), flow(client, server, 1, 10));
  for (int i = 0; i < 5; ++i) h.feed(setup("alice", logon_failure), flow(client, server, 2, 100 + i));
  h.feed(setup("alice", 0, "STATUS_SUCCESS"), flow(client, "192.168.1.99", 3, 150));
  h.feed(setup("alice", 0, "STATUS_SUCCESS"), flow(client, server, 4, 100 + 4 + 301));
  CHECK(h.sink.count(9100009) == 0);
}
