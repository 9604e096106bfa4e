// Threshold semantics for every type and track, and suppression.
#include <catch2/catch.hpp>

#include <string>

#include "rule_test_support.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

std::shared_ptr<const RuleSet> login_rule(const std::string& threshold, const std::string& extra = "") {
  return load_rules_text("- id: 1\n  name: t\n  event: ftp.login\n  dedupe: none\n  threshold: " + threshold + "\n" + extra,
                         "threshold.yaml");
}

events::ftp::Login login(std::string_view user = "alice") {
  events::ftp::Login e;
  e.user = user;
  return e;
}

// Which of `times` (seconds) raised an alert, as a string of 0/1.
std::string pattern(Harness& h, std::initializer_list<double> times, const char* client = "10.0.0.1") {
  std::string out;
  for (double t : times) out += h.feed(login(), flow(client, "10.0.0.2", 1, t)) ? '1' : '0';
  return out;
}

}  // namespace

TEST_CASE("threshold type threshold alerts on every count-th match in a fixed window") {
  Harness h(login_rule("{type: threshold, count: 3, seconds: 60, track: by_src}"));
  // Window opens at 0: 3rd and 6th match alert; at 70 a new window opens and counting restarts.
  CHECK(pattern(h, {0, 1, 2, 3, 4, 5, 70, 71, 72}) == "001001001");
  // Two matches left over from a window do not count towards the next one.
  Harness carry(login_rule("{type: threshold, count: 3, seconds: 60, track: by_src}"));
  CHECK(pattern(carry, {0, 58, 61, 62, 63}) == "00001");
}

TEST_CASE("threshold type limit alerts on the first count matches per fixed window") {
  Harness h(login_rule("{type: limit, count: 2, seconds: 60, track: by_src}"));
  CHECK(pattern(h, {0, 1, 2, 59, 61, 62, 63}) == "1100110");
}

TEST_CASE("threshold type both alerts once per fixed window when count is reached") {
  Harness h(login_rule("{type: both, count: 3, seconds: 60, track: by_src}"));
  // Fires at the 3rd match (t=2), silent for the rest of the window begun at 0; the window begun
  // at 61 sees only two matches; the one begun at 200 fires again.
  CHECK(pattern(h, {0, 1, 2, 3, 30, 59, 61, 62, 200, 201, 202}) == "00100000001");
}

TEST_CASE("threshold type both does not join matches across a window edge (Suricata)") {
  // 0, 40 in the window opened at 0; 70..85 open the next one: four there, then a fifth fires.
  Harness h(login_rule("{type: both, count: 5, seconds: 60, track: by_src}"));
  CHECK(pattern(h, {0, 40, 70, 75, 80, 85, 90}) == "0000001");
}

TEST_CASE("a window holds matches less than seconds after its first: exactly seconds later opens the next") {
  for (const char* type : {"threshold", "both"}) {
    INFO(type);
    Harness at_edge(login_rule(std::string("{type: ") + type + ", count: 5, seconds: 60, track: by_src}"));
    CHECK(pattern(at_edge, {0, 15, 30, 45, 60}) == "00000");
    Harness inside(login_rule(std::string("{type: ") + type + ", count: 5, seconds: 60, track: by_src}"));
    CHECK(pattern(inside, {0, 15, 30, 45, 59.999}) == "00001");
  }
  Harness limit(login_rule("{type: limit, count: 1, seconds: 60, track: by_src}"));
  CHECK(pattern(limit, {0, 59.999, 60}) == "101");
}

TEST_CASE("threshold count 1 alerts on a window's first match for every type") {
  Harness threshold(login_rule("{type: threshold, count: 1, seconds: 60, track: by_src}"));
  CHECK(pattern(threshold, {0, 1, 100}) == "111");
  Harness limit(login_rule("{type: limit, count: 1, seconds: 60, track: by_src}"));
  CHECK(pattern(limit, {0, 1, 100}) == "101");
  Harness both(login_rule("{type: both, count: 1, seconds: 60, track: by_src}"));
  CHECK(pattern(both, {0, 1, 100}) == "101");
}

TEST_CASE("threshold track by_src, by_dst and by_pair key on the right addresses") {
  Harness by_src(login_rule("{type: both, count: 2, seconds: 60, track: by_src}"));
  by_src.feed(login(), flow("10.0.0.1", "10.0.0.2", 1, 0));
  CHECK(by_src.feed(login(), flow("10.0.0.1", "10.0.0.3", 2, 1)) == 1);  // same client, other server

  Harness by_dst(login_rule("{type: both, count: 2, seconds: 60, track: by_dst}"));
  by_dst.feed(login(), flow("10.0.0.1", "10.0.0.2", 1, 0));
  CHECK(by_dst.feed(login(), flow("10.0.0.1", "10.0.0.3", 2, 1)) == 0);  // other server
  CHECK(by_dst.feed(login(), flow("10.0.0.9", "10.0.0.2", 3, 2)) == 1);  // other client, same server

  Harness by_pair(login_rule("{type: both, count: 2, seconds: 60, track: by_pair}"));
  by_pair.feed(login(), flow("10.0.0.1", "10.0.0.2", 1, 0));
  CHECK(by_pair.feed(login(), flow("10.0.0.1", "10.0.0.3", 2, 1)) == 0);
  CHECK(by_pair.feed(login(), flow("10.0.0.9", "10.0.0.2", 3, 2)) == 0);
  CHECK(by_pair.feed(login(), flow("10.0.0.1", "10.0.0.2", 4, 3)) == 1);
}

TEST_CASE("every threshold type counts per tracked key for every track") {
  struct Case {
    const char* track;
    FlowContext first, same_key, other_key;
    std::string_view first_user, same_user, other_user;
  };
  const Case cases[] = {
      {"by_src", flow("10.0.0.1", "10.0.0.2", 1, 0), flow("10.0.0.1", "10.0.0.3", 2, 1), flow("10.0.0.9", "10.0.0.2", 3, 2),
       "a", "b", "a"},
      {"by_dst", flow("10.0.0.1", "10.0.0.2", 1, 0), flow("10.0.0.9", "10.0.0.2", 2, 1), flow("10.0.0.1", "10.0.0.3", 3, 2),
       "a", "b", "a"},
      {"by_pair", flow("10.0.0.1", "10.0.0.2", 1, 0), flow("10.0.0.1", "10.0.0.2", 2, 1), flow("10.0.0.1", "10.0.0.3", 3, 2),
       "a", "b", "a"},
      {"by_user", flow("10.0.0.1", "10.0.0.2", 1, 0), flow("10.0.0.7", "10.0.0.8", 2, 1), flow("10.0.0.1", "10.0.0.2", 3, 2),
       "alice", "alice", "bob"},
  };
  for (const Case& c : cases) {
    for (const char* type : {"threshold", "both"}) {
      INFO(c.track << " " << type);
      Harness h(login_rule(std::string("{type: ") + type + ", count: 2, seconds: 60, track: " + c.track + "}"));
      CHECK(h.feed(login(c.first_user), c.first) == 0);
      CHECK(h.feed(login(c.other_user), c.other_key) == 0);  // another key: its own first match
      CHECK(h.feed(login(c.same_user), c.same_key) == 1);    // the first key's second match
    }
    INFO(c.track << " limit");
    Harness h(login_rule(std::string("{type: limit, count: 1, seconds: 60, track: ") + c.track + "}"));
    CHECK(h.feed(login(c.first_user), c.first) == 1);
    CHECK(h.feed(login(c.same_user), c.same_key) == 0);
    CHECK(h.feed(login(c.other_user), c.other_key) == 1);
  }
}

TEST_CASE("threshold track by_user keys on the event's user across hosts") {
  Harness h(login_rule("{type: both, count: 2, seconds: 60, track: by_user}"));
  h.feed(login("alice"), flow("10.0.0.1", "10.0.0.2", 1, 0));
  CHECK(h.feed(login("bob"), flow("10.0.0.1", "10.0.0.2", 1, 1)) == 0);
  CHECK(h.feed(login("alice"), flow("10.0.0.7", "10.0.0.8", 2, 2)) == 1);
}

TEST_CASE("track by_user is refused for an event without a user") {
  CHECK_THROWS_WITH(load_rules_text("- id: 1\n  name: t\n  event: tls.handshake\n"
                                    "  threshold: {type: both, count: 2, seconds: 60, track: by_user}\n",
                                    "user.yaml"),
                    Catch::Contains("user.yaml:4:") && Catch::Contains("has no user field"));
}

TEST_CASE("threshold state is evicted from a full table and counted") {
  EvaluatorOptions options;
  options.threshold_entries = 8;  // one set of eight ways
  RuleEvaluator evaluator(options);
  const auto set = login_rule("{type: both, count: 2, seconds: 60, track: by_src}");
  CollectingSink sink;
  char address[32];
  for (int i = 0; i < 9; ++i) {
    std::snprintf(address, sizeof address, "10.0.1.%d", i);
    evaluator.evaluate(*set, login(), flow(address, "10.0.0.2", 1, i), sink);
  }
  CHECK(evaluator.threshold_evictions() == 1);
  // The first client's window was the least recently used: it starts over.
  CHECK(evaluator.evaluate(*set, login(), flow("10.0.1.0", "10.0.0.2", 1, 10), sink) == 0);
  CHECK(evaluator.evaluate(*set, login(), flow("10.0.1.8", "10.0.0.2", 1, 10), sink) == 1);
}

TEST_CASE("suppress by_src, by_dst and by_either drop alerts for the listed addresses") {
  const auto set = load_rules_text(R"(
- id: 1
  name: src
  event: ftp.login
  dedupe: none
  suppress: [{track: by_src, cidr: [10.1.0.0/16, $LOOPBACK]}]
- id: 2
  name: dst
  event: ftp.login
  dedupe: none
  suppress: [{track: by_dst, cidr: 10.1.0.0/16}]
- id: 3
  name: either
  event: ftp.login
  dedupe: none
  suppress: {track: by_either, cidr: [10.1.0.0/16]}
)",
                                   "suppress.yaml");
  Harness h(set);
  h.feed(login(), flow("10.1.2.3", "10.2.0.1", 1, 0));
  CHECK(h.sink.count(1) == 0);
  CHECK(h.sink.count(2) == 1);
  CHECK(h.sink.count(3) == 0);
  h.feed(login(), flow("10.2.0.1", "10.1.2.3", 2, 0));
  CHECK(h.sink.count(1) == 1);
  CHECK(h.sink.count(2) == 1);
  CHECK(h.sink.count(3) == 0);
  CHECK(h.evaluator.stats().suppressed == 4);
}
