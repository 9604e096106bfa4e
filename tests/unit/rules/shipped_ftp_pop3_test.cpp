// The shipped FTP and POP3 rules: 9100002 NAT mismatch, 9100003/9100004 cleartext credentials,
// 9100010 APOP.
#include <catch2/catch.hpp>

#include "rule_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

events::ftp::DataChannel port_command(const char* address, std::string_view command = "PORT") {
  events::ftp::DataChannel e;
  e.mode = events::ftp::DataMode::active;
  e.command = command;
  e.valid = true;
  e.has_address = true;
  e.address = ip(address);
  e.port = 40001;
  return e;
}

events::ftp::Login ftp_login(std::string_view user, bool anonymous, bool cleartext = true) {
  events::ftp::Login e;
  e.user = user;
  e.password_seen = true;
  e.password_masked = "len=8 hmac=3f2a9c1e";
  e.anonymous = anonymous;
  e.cleartext = cleartext;
  e.outcome = events::ftp::LoginOutcome::success;
  return e;
}

events::pop3::Login pop3_login(events::pop3::Mechanism mechanism, bool secret_in_clear, bool cleartext = true) {
  events::pop3::Login e;
  e.mechanism = mechanism;
  e.mechanism_name = events::pop3::name_of(mechanism);
  e.user = "bob";
  e.secret_seen = true;
  e.secret_in_clear = secret_in_clear;
  e.cleartext = cleartext;
  return e;
}

}  // namespace

TEST_CASE("9100002 calls a private announced address a client behind NAT") {
  Harness h;
  h.feed(port_command("192.168.0.5"), flow("203.0.113.7", "198.51.100.1", 1, 10, 50000, 21));
  REQUIRE(h.sink.count(9100002) == 1);
  const SeenAlert& a = *h.sink.first(9100002);
  CHECK(a.value("address_class") == "private");
  CHECK(a.value("interpretation") == "client behind NAT");
  CHECK(a.value("announced_address") == "192.168.0.5");
}

TEST_CASE("9100002 calls a public announced address a bounce, and CGNAT/ULA NAT") {
  Harness h;
  h.feed(port_command("198.51.100.99"), flow("10.0.0.5", "198.51.100.1", 1, 10, 50000, 21));
  h.feed(port_command("100.64.1.2"), flow("203.0.113.7", "198.51.100.1", 2, 10, 50000, 21));
  h.feed(port_command("fd00::5", "EPRT"), flow("2001:db8::7", "2001:db8::1", 3, 10, 50000, 21));
  REQUIRE(h.sink.count(9100002) == 3);
  CHECK(h.sink.alerts[0].value("interpretation") == "bounce to a third party");
  CHECK(h.sink.alerts[1].value("address_class") == "cgnat");
  CHECK(h.sink.alerts[2].value("address_class") == "ula");
  CHECK(h.sink.alerts[2].value("interpretation") == "client behind NAT");
}

TEST_CASE("9100002 stays silent for a matching address, passive mode or a malformed command") {
  Harness h;
  h.feed(port_command("10.0.0.5"), flow("10.0.0.5", "10.0.0.1", 1, 10, 50000, 21));
  auto passive = port_command("10.9.9.9", "PASV");
  passive.mode = events::ftp::DataMode::passive;
  h.feed(passive, flow("10.0.0.5", "10.0.0.1", 1, 11, 50000, 21));
  auto malformed = port_command("10.9.9.9");
  malformed.valid = false;
  h.feed(malformed, flow("10.0.0.5", "10.0.0.1", 1, 12, 50000, 21));
  CHECK(h.sink.alerts.empty());
}

TEST_CASE("9100002 raises once per flow and honours the $FTP_NAT_ALLOWED allow-list") {
  Harness h;
  h.feed(port_command("192.168.0.5"), flow("203.0.113.7", "198.51.100.1", 1, 10, 50000, 21));
  h.feed(port_command("192.168.0.5"), flow("203.0.113.7", "198.51.100.1", 1, 20, 50000, 21));
  CHECK(h.sink.count(9100002) == 1);

  RuleOptions options;
  options.address_groups["FTP_NAT_ALLOWED"] = {"203.0.113.0/24"};
  Harness allowed(load_rules(SPANWATCH_RULES_DIR, options));
  allowed.feed(port_command("192.168.0.5"), flow("203.0.113.7", "198.51.100.1", 1, 10, 50000, 21));
  CHECK(allowed.sink.count(9100002) == 0);
  CHECK(allowed.evaluator.stats().suppressed == 1);
}

TEST_CASE("9100003 fires on a cleartext non-anonymous FTP login, once per flow") {
  Harness h;
  h.feed(ftp_login("alice", false), flow("10.0.0.5", "10.0.0.1", 1, 10, 50000, 21));
  h.feed(ftp_login("alice", false), flow("10.0.0.5", "10.0.0.1", 1, 11, 50000, 21));
  REQUIRE(h.sink.count(9100003) == 1);
  CHECK(h.sink.first(9100003)->value("user") == "alice");
}

TEST_CASE("9100003 stays silent for anonymous FTP and for a login after AUTH TLS") {
  Harness h;
  h.feed(ftp_login("anonymous", true), flow("10.0.0.5", "10.0.0.1", 1, 10, 50000, 21));
  h.feed(ftp_login("alice", false, false), flow("10.0.0.5", "10.0.0.1", 2, 10, 50001, 21));
  auto no_password = ftp_login("alice", false);
  no_password.password_seen = false;
  h.feed(no_password, flow("10.0.0.5", "10.0.0.1", 3, 10, 50002, 21));
  CHECK(h.sink.alerts.empty());
}

TEST_CASE("9100004 fires for USER/PASS, AUTH PLAIN, AUTH LOGIN and bearer tokens before STLS") {
  using events::pop3::Mechanism;
  Harness h;
  std::uint64_t id = 1;
  for (Mechanism m : {Mechanism::user_pass, Mechanism::plain, Mechanism::login, Mechanism::xoauth2, Mechanism::oauthbearer})
    h.feed(pop3_login(m, true), flow("10.0.0.5", "10.0.0.1", id++, 10, 50000, 110));
  CHECK(h.sink.count(9100004) == 5);
  CHECK(h.sink.count(9100010) == 0);
  CHECK(h.sink.alerts[1].value("mechanism") == "AUTH PLAIN");
}

TEST_CASE("9100004 stays silent after STLS and for digest mechanisms; APOP raises 9100010") {
  using events::pop3::Mechanism;
  Harness h;
  h.feed(pop3_login(Mechanism::user_pass, true, false), flow("10.0.0.5", "10.0.0.1", 1, 10, 50000, 110));
  h.feed(pop3_login(Mechanism::cram_md5, false), flow("10.0.0.5", "10.0.0.1", 2, 10, 50000, 110));
  h.feed(pop3_login(Mechanism::apop, false), flow("10.0.0.5", "10.0.0.1", 3, 10, 50000, 110));
  CHECK(h.sink.count(9100004) == 0);
  REQUIRE(h.sink.count(9100010) == 1);
  CHECK(h.sink.alerts.size() == 1);
}
