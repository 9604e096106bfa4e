#include "rules/rule_set.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "rules/rule_compiler.hpp"
#include "rules/rule_error.hpp"
#include "rules/rule_set_holder.hpp"

namespace spanwatch::rules {

RuleSet::RuleSet(std::vector<Rule> rules, std::size_t files) : rules_(std::move(rules)), files_(files) {
  std::map<std::uint32_t, std::size_t> ids;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    const auto [it, inserted] = ids.emplace(rule.id, i);
    if (!inserted)
      throw RuleError(rule.file, rule.line,
                      "duplicate rule id " + std::to_string(rule.id) + " (first at " + rules_[it->second].file + ":" +
                          std::to_string(rules_[it->second].line) + ")");
  }
  for (Rule& rule : rules_) {
    if (!rule.has_after) continue;
    const auto source = ids.find(rule.after.rule_id);
    if (source == ids.end())
      throw RuleError(rule.file, rule.line, "after: no rule with id " + std::to_string(rule.after.rule_id));
    Rule& remembered = rules_[source->second];
    if (std::find(remembered.remembered_by.begin(), remembered.remembered_by.end(), rule.after.track) ==
        remembered.remembered_by.end())
      remembered.remembered_by.push_back(rule.after.track);
    remembered.remembered_for = std::max(remembered.remembered_for, rule.after.within);
  }
  for (const Rule& rule : rules_) {
    if (!rule.enabled) continue;
    by_event_[rule.event_index].push_back(&rule);
    ++enabled_;
  }
}

const Rule* RuleSet::find(std::uint32_t id) const {
  for (const Rule& rule : rules_)
    if (rule.id == id) return &rule;
  return nullptr;
}

std::vector<Rule> compile_rules(std::string_view yaml, const std::string& file, const AddressGroups& groups) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw RuleError(file, e.mark.line + 1, e.msg);
  }
  RuleCompiler compiler(file, groups);
  std::vector<Rule> out;
  if (!root || root.IsNull()) return out;  // an empty file holds no rules
  YAML::Node list = root;
  if (root.IsMap()) {
    for (const auto& entry : root)
      if (entry.first.Scalar() != "rules") compiler.fail(entry.first, "unknown top-level key '" + entry.first.Scalar() + "' (rules)");
    list = root["rules"];
  }
  if (!list.IsSequence()) compiler.fail(list, "a rule file is a list of rules (or rules: [...])");
  try {
    for (const YAML::Node& node : list) out.push_back(compiler.compile(node));
  } catch (const YAML::Exception& e) {  // a conversion yaml-cpp refused
    throw RuleError(file, e.mark.line + 1, e.msg);
  }
  return out;
}

namespace {

AddressGroups make_groups(const RuleOptions& options, const std::string& where) {
  try {
    return AddressGroups(options.address_groups);
  } catch (const std::invalid_argument& e) {
    throw RuleError(where, 0, e.what());
  }
}

}  // namespace

std::shared_ptr<const RuleSet> load_rules(const std::filesystem::path& dir, const RuleOptions& options) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const auto ext = it->path().extension();
    if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path());
  }
  if (error) throw RuleError(dir.string(), 0, "cannot read the rules directory: " + error.message());
  std::sort(files.begin(), files.end());
  const AddressGroups groups = make_groups(options, "address groups");
  std::vector<Rule> rules;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw RuleError(path.string(), 0, "cannot read the file");
    auto compiled = compile_rules(text.str(), path.string(), groups);
    std::move(compiled.begin(), compiled.end(), std::back_inserter(rules));
  }
  return std::make_shared<const RuleSet>(std::move(rules), files.size());
}

std::shared_ptr<const RuleSet> load_rules_text(std::string_view yaml, const std::string& file,
                                               const RuleOptions& options) {
  return std::make_shared<const RuleSet>(compile_rules(yaml, file, make_groups(options, "address groups")), 1);
}

RuleCheck check_rules(const std::filesystem::path& dir, const RuleOptions& options) {
  try {
    const auto set = load_rules(dir, options);
    std::map<std::string, std::size_t> per_event;
    for (const Rule& rule : set->rules())
      if (rule.enabled) ++per_event[rule.event];
    std::string text = std::to_string(set->rules().size()) + " rules (" + std::to_string(set->enabled()) +
                       " enabled) from " + std::to_string(set->files()) + " files";
    for (const auto& [event, n] : per_event) text += "\n  " + event + ": " + std::to_string(n);
    return {true, text};
  } catch (const RuleError& e) {
    return {false, e.what()};
  }
}

ReloadResult RuleSetHolder::reload(const std::filesystem::path& dir, const RuleOptions& options) {
  try {
    auto next = load_rules(dir, options);
    const std::size_t count = next->rules().size();
    replace(std::move(next));
    return {true, {}, count};
  } catch (const RuleError& e) {
    return {false, e.what(), 0};
  }
}

}  // namespace spanwatch::rules
