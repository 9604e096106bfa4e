#pragma once
// The current RuleSet, swapped atomically on reload. Workers take a reference-counted snapshot
// (current()) per batch or per event and keep using it while a reload installs the next one; the
// old set is freed when its last reader lets go. Threshold state lives in each RuleEvaluator, keyed
// by rule id, so it survives the swap.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "rules/rule_set.hpp"

namespace spanwatch::rules {

struct ReloadResult {
  bool ok = false;
  std::string error;  // "file:line: what is wrong" when !ok (the old rules stay)
  std::size_t rules = 0;
};

class RuleSetHolder {
 public:
  explicit RuleSetHolder(std::shared_ptr<const RuleSet> initial) : current_(std::move(initial)) {}

  std::shared_ptr<const RuleSet> current() const { return current_.load(std::memory_order_acquire); }
  void replace(std::shared_ptr<const RuleSet> next) { current_.store(std::move(next), std::memory_order_release); }

  // Compiles `dir` (off the packet path) and swaps it in; a broken file keeps the old rules.
  ReloadResult reload(const std::filesystem::path& dir, const RuleOptions& options = {});

 private:
  std::atomic<std::shared_ptr<const RuleSet>> current_;
};

}  // namespace spanwatch::rules
