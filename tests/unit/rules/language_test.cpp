// The rule language's operators on each field type, flow fields, address groups and templates.
#include <catch2/catch.hpp>

#include <string>

#include "rule_test_support.hpp"
#include "rules/tls_version.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

// True when a one-rule set with `match` fires on `event`.
bool fires(const std::string& event_name, const std::string& match, const events::Event& event,
           const FlowContext& f = flow("10.0.0.1", "10.0.0.2"), const RuleOptions& options = {}) {
  Harness h(load_rules_text("- id: 7\n  name: t\n  event: " + event_name + "\n  match:\n" + match, "lang.yaml", options));
  return h.feed(event, f) == 1;
}

events::ftp::Login login(std::string_view user, std::uint16_t code = 230) {
  events::ftp::Login e;
  e.user = user;
  e.reply_code = code;
  return e;
}

}  // namespace

TEST_CASE("string fields: equals, not_equals, in, not_in, glob, regex, exists") {
  const auto alice = login("alice");
  CHECK(fires("ftp.login", "    user: alice\n", alice));
  CHECK_FALSE(fires("ftp.login", "    user: bob\n", alice));
  CHECK(fires("ftp.login", "    user: {not_equals: bob}\n", alice));
  CHECK(fires("ftp.login", "    user: [bob, alice]\n", alice));
  CHECK_FALSE(fires("ftp.login", "    user: {not_in: [bob, alice]}\n", alice));
  CHECK(fires("ftp.login", "    user: {glob: 'al*e'}\n", alice));
  CHECK_FALSE(fires("ftp.login", "    user: {glob: 'b?b'}\n", alice));
  CHECK(fires("ftp.login", "    user: {regex: '^a.i'}\n", alice));
  CHECK(fires("ftp.login", "    user: {exists: true}\n", alice));
  CHECK(fires("ftp.login", "    user: {exists: false}\n", login("")));
}

TEST_CASE("integer fields compare as numbers, hex included") {
  const auto e = login("a", 530);
  CHECK(fires("ftp.login", "    reply_code: 530\n", e));
  CHECK(fires("ftp.login", "    reply_code: 0x212\n", e));
  CHECK(fires("ftp.login", "    reply_code: {gt: 499, lt: 600}\n", e));
  CHECK_FALSE(fires("ftp.login", "    reply_code: {le: 499}\n", e));
  CHECK(fires("ftp.login", "    reply_code: {in: [230, 530]}\n", e));
  CHECK_FALSE(fires("ftp.login", "    reply_code: {not_in: [230, 530]}\n", e));
  CHECK(fires("ftp.login", "    reply_code: {not_equals: 230}\n", e));
  CHECK(fires("ftp.login", "    reply_code: {ge: 530, le: 530}\n", e));
}

TEST_CASE("TLS versions and addresses take in / not in lists and not_equals") {
  events::tls::Handshake e;
  e.version = 0x0302;
  CHECK(fires("tls.handshake", "    version: {in: [TLS 1.0, tlsv1.1]}\n", e));
  CHECK_FALSE(fires("tls.handshake", "    version: {not_in: [SSLv3, 0x0302]}\n", e));
  CHECK(fires("tls.handshake", "    version: {not_equals: TLS 1.2}\n", e));
  events::ftp::DataChannel port;
  port.valid = port.has_address = true;
  port.address = ip("192.168.7.7");
  CHECK(fires("ftp.data_channel", "    address: {not_equals: 10.0.0.0/8}\n", port));
  CHECK_FALSE(fires("ftp.data_channel", "    address: {not_in: [10.0.0.0/8, $RFC1918]}\n", port));
  CHECK(fires("ftp.data_channel", "    address: {in: ['2001:db8::/32', 192.168.7.7]}\n", port));
}

TEST_CASE("TLS versions compare by protocol order and accept every spelling") {
  CHECK(parse_tls_version("TLS 1.2") == 0x0303);
  CHECK(parse_tls_version("tlsv1.2") == 0x0303);
  CHECK(parse_tls_version("tls1.2") == 0x0303);
  CHECK(parse_tls_version("SSLv3") == 0x0300);
  CHECK(parse_tls_version("0x0303") == 0x0303);
  CHECK(parse_tls_version("771") == 0x0303);
  CHECK_FALSE(parse_tls_version("TLS 9"));
  events::tls::Handshake sslv2;
  sslv2.version = 0x0002;
  CHECK(fires("tls.handshake", "    version: {lt: SSLv3}\n", sslv2));  // 0x0002 sorts below 0x0300
  events::tls::Handshake draft;
  draft.version = 0x7f1c;
  CHECK(fires("tls.handshake", "    version: {ge: TLS 1.3}\n", draft));
  CHECK(fires("tls.handshake", "    version: TLS 1.3\n", draft));
  events::tls::Handshake none;
  CHECK_FALSE(fires("tls.handshake", "    version: {lt: TLS 1.3}\n", none));  // absent: no comparison holds
}

TEST_CASE("list fields match when any element is listed") {
  events::tls::Handshake e;
  const std::uint16_t ciphers[] = {0x1301, 0x5600};
  e.offered_ciphers = ciphers;
  CHECK(fires("tls.handshake", "    offered_ciphers: {contains: 0x5600}\n", e));
  CHECK(fires("tls.handshake", "    offered_ciphers: [0x002f, 0x1301]\n", e));
  CHECK_FALSE(fires("tls.handshake", "    offered_ciphers: {not_contains: [0x1301]}\n", e));
}

TEST_CASE("addresses: CIDR, built-in and configured groups, flow fields, field against field") {
  events::ftp::DataChannel e;
  e.mode = events::ftp::DataMode::active;
  e.valid = e.has_address = true;
  e.address = ip("100.64.3.4");
  const auto f = flow("192.168.1.1", "10.0.0.2");
  CHECK(fires("ftp.data_channel", "    address: {cidr: $PRIVATE}\n", e, f));  // CGNAT is part of it
  CHECK_FALSE(fires("ftp.data_channel", "    address: {cidr: $RFC1918}\n", e, f));
  CHECK(fires("ftp.data_channel", "    address: {not_cidr: [10.0.0.0/8, '2001:db8::/32']}\n", e, f));
  CHECK(fires("ftp.data_channel", "    flow.src_ip: $HOME_NET\n", e, f));
  CHECK(fires("ftp.data_channel", "    flow.dest_port: 445\n", e, f));
  CHECK(fires("ftp.data_channel", "    address: {not_equals_field: flow.src_ip}\n", e, f));
  CHECK_FALSE(fires("ftp.data_channel", "    address: {equals_field: flow.src_ip}\n", e, f));
  RuleOptions options;
  options.address_groups["HOME_NET"] = {"172.16.0.0/12"};
  options.address_groups["SERVERS"] = {"$HOME_NET", "10.0.0.2"};
  CHECK_FALSE(fires("ftp.data_channel", "    flow.src_ip: $HOME_NET\n", e, f, options));
  CHECK(fires("ftp.data_channel", "    flow.dest_ip: $SERVERS\n", e, f, options));
  // An address the command did not carry is absent: neither equal nor different.
  e.has_address = false;
  CHECK_FALSE(fires("ftp.data_channel", "    address: {not_equals_field: flow.src_ip}\n", e, f));
}

TEST_CASE("any: alternatives, of which one must hold, next to plain conditions") {
  const std::string match = "    reply_code: 230\n    any:\n      - user: alice\n      - user: {glob: 'adm*'}\n";
  CHECK(fires("ftp.login", match, login("alice")));
  CHECK(fires("ftp.login", match, login("admin")));
  CHECK_FALSE(fires("ftp.login", match, login("bob")));
  CHECK_FALSE(fires("ftp.login", match, login("alice", 530)));
}

TEST_CASE("metadata templates render fields, functions and literal text into bounded space") {
  const auto set = load_rules_text(R"(
- id: 9
  name: t
  event: ftp.data_channel
  metadata:
    said: "PORT {address}:{port} from {flow.src_ip} ({addr_class(address)}), vlan {flow.vlan}"
    hex: "{hex(port)}"
    tag: [one, two]
)",
                                   "meta.yaml");
  events::ftp::DataChannel e;
  e.valid = e.has_address = true;
  e.address = ip("8.8.8.8");
  e.port = 21;
  Harness h(set);
  auto f = flow("10.0.0.1", "10.0.0.2");
  f.vlan = 7;
  REQUIRE(h.feed(e, f) == 1);
  const SeenAlert& a = h.sink.alerts.front();
  CHECK(a.value("said") == "PORT 8.8.8.8:21 from 10.0.0.1 (public), vlan 7");
  CHECK(a.value("hex") == "0x0015");
  CHECK(a.metadata.at("tag") == std::vector<std::string>{"one", "two"});

  EvaluatorOptions small;
  small.metadata_bytes = 10;
  RuleEvaluator evaluator(small);
  CollectingSink sink;
  evaluator.evaluate(*set, e, f, sink);
  CHECK(sink.alerts.front().value("said") == "PORT 8.8.8");
  CHECK(evaluator.stats().metadata_truncated == 1);
}

TEST_CASE("address_class names the ranges 9100002 words its alert by") {
  CHECK(address_class(ip("10.1.2.3")) == "private");
  CHECK(address_class(ip("172.31.0.1")) == "private");
  CHECK(address_class(ip("172.32.0.1")) == "public");
  CHECK(address_class(ip("100.127.255.1")) == "cgnat");
  CHECK(address_class(ip("100.128.0.1")) == "public");
  CHECK(address_class(ip("169.254.1.1")) == "link_local");
  CHECK(address_class(ip("fd12::1")) == "ula");
  CHECK(address_class(ip("fe80::1")) == "link_local");
  CHECK(address_class(ip("2001:db8::1")) == "public");
}

TEST_CASE("disabled rules compile but never run; only the event's own rules are checked") {
  Harness h(load_rules_text(R"(
- {id: 1, name: off, event: ftp.login, enabled: false}
- {id: 2, name: on, event: ftp.login}
- {id: 3, name: other, event: pop3.login}
)",
                            "enabled.yaml"));
  CHECK(h.rules->enabled() == 2);
  h.feed(login("a"), flow("10.0.0.1", "10.0.0.2"));
  CHECK(h.sink.alerts.size() == 1);
  CHECK(h.evaluator.stats().rules_checked == 1);
}

TEST_CASE("regex conditions use PCRE2 (Perl syntax) over the field's bytes") {
  CHECK(fires("ftp.login", "    user: {regex: '^svc_\\d{2}$'}\n", login("svc_42")));
  CHECK_FALSE(fires("ftp.login", "    user: {regex: '^svc_\\d{2}$'}\n", login("svc_4")));
  CHECK(fires("ftp.login", "    user: {regex: '(?i)^ADMIN'}\n", login("administrator")));
  CHECK(fires("ftp.login", "    user: {regex: 'min'}\n", login("administrator")));  // unanchored: a search
  const std::string bytes("r\xff\xfeot", 5);  // not UTF-8: matched as bytes, no error
  CHECK(fires("ftp.login", "    user: {regex: '^r..ot$'}\n", login(bytes)));
  CHECK_FALSE(fires("ftp.login", "    user: {regex: '.*'}\n", login("")));  // an absent field matches no regex
}

TEST_CASE("a regex search that hits the match or depth limit is no match, and counted") {
  const auto set = load_rules_text("- id: 7\n  name: t\n  event: ftp.login\n  dedupe: none\n  match:\n"
                                   "    user: {regex: '^(a+)+$'}\n",
                                   "limit.yaml");
  const std::string long_user = std::string(40, 'a') + "b";  // exponential backtracking without a limit
  const auto pathological = login(long_user);
  for (const bool jit : {true, false}) {
    INFO("jit " << jit);
    EvaluatorOptions options;
    options.regex.jit = jit;
    options.regex.match_limit = 10000;  // above the default, still far below what (a+)+$ needs here
    RuleEvaluator evaluator(options);
    CollectingSink sink;
    CHECK(evaluator.evaluate(*set, pathological, flow("10.0.0.1", "10.0.0.2"), sink) == 0);
    CHECK(evaluator.regex_stats().limit_hits == 1);
    CHECK(evaluator.evaluate(*set, login("aaaa"), flow("10.0.0.1", "10.0.0.2"), sink) == 1);  // still matches
    CHECK(evaluator.regex_stats().limit_hits == 1);
  }
  // The interpreter's backtracking depth: every iteration of a group is one level deeper.
  const auto alternation = load_rules_text("- id: 8\n  name: t\n  event: ftp.login\n  dedupe: none\n  match:\n"
                                           "    user: {regex: '^(a|b)*$'}\n",
                                           "depth.yaml");
  const std::string deep(200, 'a');
  EvaluatorOptions shallow;
  shallow.regex.jit = false;
  shallow.regex.depth_limit = 50;
  RuleEvaluator evaluator(shallow);
  CollectingSink sink;
  CHECK(evaluator.evaluate(*alternation, login(deep), flow("10.0.0.1", "10.0.0.2"), sink) == 0);
  CHECK(evaluator.regex_stats().limit_hits == 1);
  CHECK(evaluator.evaluate(*alternation, login("abab"), flow("10.0.0.1", "10.0.0.2"), sink) == 1);  // shallow enough
  CHECK(evaluator.regex_stats().limit_hits == 1);
}
