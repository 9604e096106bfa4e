// Hot reload: the holder swaps in a valid rule set, keeps the old one on a broken file, and
// threshold state (in the evaluator, keyed by rule id) survives the swap.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "rule_test_support.hpp"
#include "rules/rule_set_holder.hpp"

using namespace spanwatch;
using namespace spanwatch::rules;
using namespace spanwatch::rules::testing;

namespace {

class RulesDir {
 public:
  RulesDir() : path_(std::filesystem::temp_directory_path() / ("spanwatch-rules-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~RulesDir() { std::filesystem::remove_all(path_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(path_ / name) << text; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string rule_with_rev(int rev) {
  return "- id: 42\n  rev: " + std::to_string(rev) +
         "\n  name: three logins\n  event: ftp.login\n  dedupe: none\n"
         "  threshold: {type: both, count: 3, seconds: 60, track: by_src}\n";
}

}  // namespace

TEST_CASE("reload swaps in a valid rule set and keeps the old one when a file is broken") {
  RulesDir dir;
  dir.write("a.yaml", rule_with_rev(1));
  RuleSetHolder holder(load_rules(dir.path()));
  REQUIRE(holder.current()->find(42)->rev == 1);

  dir.write("a.yaml", rule_with_rev(2));
  const ReloadResult ok = holder.reload(dir.path());
  CHECK(ok.ok);
  CHECK(ok.rules == 1);
  CHECK(holder.current()->find(42)->rev == 2);

  dir.write("b.yaml", "- id: 43\n  name: broken\n  event: ftp.login\n  match:\n    nosuchfield: 1\n");
  const ReloadResult broken = holder.reload(dir.path());
  CHECK_FALSE(broken.ok);
  CHECK_THAT(broken.error, Catch::Contains("b.yaml:5: unknown field 'nosuchfield'"));
  CHECK(holder.current()->find(42)->rev == 2);  // the old rules stay
  CHECK(holder.current()->find(43) == nullptr);
}

TEST_CASE("a reader's snapshot stays valid while a reload replaces the current set") {
  RulesDir dir;
  dir.write("a.yaml", rule_with_rev(1));
  RuleSetHolder holder(load_rules(dir.path()));
  const auto snapshot = holder.current();
  dir.write("a.yaml", rule_with_rev(2));
  REQUIRE(holder.reload(dir.path()).ok);
  CHECK(snapshot->find(42)->rev == 1);
  CHECK(holder.current()->find(42)->rev == 2);
}

TEST_CASE("threshold state survives a reload because it is keyed by rule id") {
  RulesDir dir;
  dir.write("a.yaml", rule_with_rev(1));
  RuleSetHolder holder(load_rules(dir.path()));
  RuleEvaluator evaluator;
  CollectingSink sink;
  events::ftp::Login login;
  login.user = "u";
  evaluator.evaluate(*holder.current(), login, flow("10.0.0.1", "10.0.0.2", 1, 0), sink);
  evaluator.evaluate(*holder.current(), login, flow("10.0.0.1", "10.0.0.2", 1, 1), sink);
  dir.write("a.yaml", rule_with_rev(2));
  REQUIRE(holder.reload(dir.path()).ok);
  CHECK(evaluator.evaluate(*holder.current(), login, flow("10.0.0.1", "10.0.0.2", 1, 2), sink) == 1);
}

TEST_CASE("loading a missing directory is an error, not an empty rule set") {
  const RuleCheck check = check_rules("/nonexistent/spanwatch-rules");
  CHECK_FALSE(check.ok);
  CHECK_THAT(check.text, Catch::Contains("cannot read the rules directory"));
}
