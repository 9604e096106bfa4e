#pragma once
// The compiled, immutable rules: matchers indexed by event type. Built off the packet path (start,
// SIGHUP) and shared read-only by every worker through a RuleSetHolder.
#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/address_groups.hpp"
#include "rules/field_table.hpp"
#include "rules/rule.hpp"

namespace spanwatch::rules {

struct RuleOptions {
  AddressGroupConfig address_groups;  // $HOME_NET, allow-lists...: name without `$` → CIDRs / $GROUPs
};

class RuleSet {
 public:
  // Checks ids are unique and `after:` names an existing rule; throws RuleError otherwise.
  explicit RuleSet(std::vector<Rule> rules, std::size_t files = 0);
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // The enabled rules for an event type (events::Event's variant index).
  std::span<const Rule* const> rules_for(std::size_t event_index) const {
    return event_index < by_event_.size() ? std::span<const Rule* const>(by_event_[event_index])
                                          : std::span<const Rule* const>{};
  }
  const std::vector<Rule>& rules() const { return rules_; }
  const Rule* find(std::uint32_t id) const;
  std::size_t enabled() const { return enabled_; }
  std::size_t files() const { return files_; }

 private:
  std::vector<Rule> rules_;
  std::array<std::vector<const Rule*>, event_type_count> by_event_;
  std::size_t enabled_ = 0;
  std::size_t files_ = 0;
};

// Compiles one YAML document (a list of rules, or a map with a `rules:` list). `file` names it in errors.
std::vector<Rule> compile_rules(std::string_view yaml, const std::string& file, const AddressGroups& groups);

// Every *.yaml / *.yml file in `dir` (sorted by name), all or nothing: throws RuleError on the first
// file that does not compile, or when the directory cannot be read.
std::shared_ptr<const RuleSet> load_rules(const std::filesystem::path& dir, const RuleOptions& options = {});
// The same from text, for tests and tools.
std::shared_ptr<const RuleSet> load_rules_text(std::string_view yaml, const std::string& file,
                                               const RuleOptions& options = {});

// For `spanwatch --check-rules DIR`: ok and a summary ("10 rules (10 enabled) from 4 files: ..."), or
// not ok and the error ("rules/smb.yaml:12: unknown field 'usr' for smb.session_setup").
struct RuleCheck {
  bool ok = false;
  std::string text;
};
RuleCheck check_rules(const std::filesystem::path& dir, const RuleOptions& options = {});

}  // namespace spanwatch::rules
