#pragma once
// Internal to rules/: YAML → Rule. One RuleCompiler per file; every error names the file and the
// line of the offending node.
#include <string>

#include <yaml-cpp/yaml.h>

#include "rules/address_groups.hpp"
#include "rules/rule.hpp"
#include "rules/rule_error.hpp"

namespace spanwatch::rules {

class RuleCompiler {
 public:
  RuleCompiler(const std::string& file, const AddressGroups& groups) : file_(file), groups_(groups) {}

  Rule compile(const YAML::Node& node) const;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;

 private:
  ConditionGroup compile_match(const YAML::Node& node, const Rule& rule) const;
  Condition compile_condition(const YAML::Node& key, const YAML::Node& value, const Rule& rule) const;
  void compile_operand(Condition& c, Operator op, const YAML::Node& value, const Rule& rule) const;
  FieldRef resolve_field(const YAML::Node& at, const std::string& name, const Rule& rule) const;
  CidrList compile_addresses(const YAML::Node& value) const;
  ThresholdSpec compile_threshold(const YAML::Node& node, const Rule& rule) const;
  std::vector<SuppressSpec> compile_suppress(const YAML::Node& node) const;
  AfterSpec compile_after(const YAML::Node& node) const;
  MetadataTemplate compile_template(const YAML::Node& at, const std::string& key, const std::string& text,
                                    const Rule& rule) const;
  Track compile_track(const YAML::Node& node, const Rule& rule) const;

  std::string text(const YAML::Node& node, const char* what) const;
  std::int64_t integer(const YAML::Node& node, const char* what) const;
  bool boolean(const YAML::Node& node, const char* what) const;
  std::vector<std::string> texts(const YAML::Node& node, const char* what) const;

  const std::string& file_;
  const AddressGroups& groups_;
};

}  // namespace spanwatch::rules
