// Counts global heap allocations to prove evaluation (matching, thresholds, dedupe, correlation,
// metadata rendering) allocates nothing after warm-up. unit_rules links spanwatch_allocation_counter,
// which replaces operator new for the whole binary.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rule_test_support.hpp"
#include "support/allocation_counter.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

// Counts alerts without copying them (CollectingSink allocates).
class CountingSink final : public AlertSink {
 public:
  void on_alert(const Alert& alert) override {
    ++alerts;
    for (const MetadataEntry& m : alert.metadata) bytes += m.value.size();
  }
  std::size_t alerts = 0;
  std::size_t bytes = 0;
};

// Rules with `regex:` conditions next to the shipped ones: two that match the events below and
// one that does not (each search runs to a verdict either way).
constexpr const char* regex_rules = R"(
- id: 1
  name: ftp user pattern
  event: ftp.login
  dedupe: none
  match:
    user: {regex: '^(bob|carol)\d*$'}
- id: 2
  name: server name pattern
  event: tls.handshake
  dedupe: none
  match:
    server_name: {regex: '(?i)\.example\.(org|net)$'}
- id: 3
  name: admin accounts
  event: smb.session_setup
  match:
    user: {regex: '^adm(in)?[0-9]*$'}
)";

std::shared_ptr<const RuleSet> shipped_rules_and(const std::string& extra) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(SPANWATCH_RULES_DIR))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  const AddressGroups groups;
  std::vector<Rule> rules;
  for (const auto& path : files) {
    std::stringstream text;
    text << std::ifstream(path).rdbuf();
    for (Rule& r : compile_rules(text.str(), path.string(), groups)) rules.push_back(std::move(r));
  }
  for (Rule& r : compile_rules(extra, "regex.yaml", groups)) rules.push_back(std::move(r));
  return std::make_shared<const RuleSet>(std::move(rules), files.size() + 1);
}

}  // namespace

TEST_CASE("evaluating the shipped rules and regex rules allocates nothing after warm-up") {
  const bool jit = GENERATE(true, false);  // JIT code, then PCRE2's interpreter (heap frames kept in the match data)
  INFO("jit " << jit);
  const auto rules = shipped_rules_and(regex_rules);
  EvaluatorOptions options;
  options.regex.jit = jit;
  const std::uint64_t at_start = spanwatch::testing::heap_allocations();
  RuleEvaluator evaluator(options);
  REQUIRE(spanwatch::testing::heap_allocations() > at_start);  // the counter sees the tables being preallocated
  CountingSink sink;
  events::smb::SessionSetup failure;
  failure.user = "alice";
  failure.status.code = 0xC000006D;
  failure.status.name = "STATUS_LOGON_FAILURE";
  events::smb::SessionSetup success;
  success.user = "alice";
  success.status.name = "STATUS_SUCCESS";
  events::ftp::DataChannel port;
  port.mode = events::ftp::DataMode::active;
  port.valid = port.has_address = true;
  port.address = ip("192.168.9.9");
  events::ftp::Login login;
  login.user = "bob";
  login.password_seen = true;
  events::tls::Handshake handshake;
  handshake.client_max_version = 0x0303;
  handshake.version = 0x0301;
  handshake.key_exchange = events::tls::KeyExchange::rsa;
  handshake.fallback_scsv = true;
  handshake.server_name = "www.EXAMPLE.org";
  const events::Event events[] = {failure, failure, failure, failure, failure, success, port, login, handshake};

  auto round = [&](int i) {
    for (std::size_t k = 0; k < std::size(events); ++k) {
      const auto f = flow("10.0.0.1", "10.0.0.2", static_cast<std::uint64_t>(i * 16 + k), i * 400.0 + k);
      evaluator.evaluate(*rules, events[k], f, sink);
    }
  };
  for (int i = 0; i < 5; ++i) round(i);
  const std::size_t alerts_before = sink.alerts;
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  for (int i = 5; i < 505; ++i) round(i);
  CHECK(spanwatch::testing::heap_allocations() - before == 0);
  // Every round raises 9100001, 9100009, 9100002, 9100003, 9100005, 9100006, 9100007 and the two
  // matching regex rules; six regex searches per round (five failures and a success for rule 3).
  CHECK(sink.alerts - alerts_before == 500 * 9);
  CHECK(evaluator.regex_stats().searches == 505 * 8);
  CHECK(evaluator.regex_stats().limit_hits == 0);
}
