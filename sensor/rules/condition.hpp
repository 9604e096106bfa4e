#pragma once
// A compiled match block: conditions on event and flow fields, all of which must hold, plus
// alternatives (`any:`) of which one must. Operands are parsed once when the rule compiles; matching
// reads fields through their getters and never allocates (`regex` uses the evaluator's
// preallocated RegexMatcher).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/address_groups.hpp"
#include "rules/field.hpp"
#include "rules/flow_context.hpp"
#include "rules/regex_pattern.hpp"

namespace spanwatch::rules {

enum class Operator : std::uint8_t {
  equals,
  not_equals,
  in,
  not_in,
  less,
  less_equal,
  greater,
  greater_equal,
  in_cidr,
  not_in_cidr,
  equals_field,
  not_equals_field,
  exists,
  not_exists,
  glob,
  regex,
  contains,      // list fields: some element is one of the operands
  not_contains,
};

// A field as a rule names it: of the event, or of the flow ("flow.src_ip").
struct FieldRef {
  const FieldSpec* spec = nullptr;
  bool of_flow = false;
  explicit operator bool() const { return spec != nullptr; }
};

// What a condition reads from: the event struct and the flow it came on; and the worker's regex
// scratch (nullptr: `regex` conditions never hold).
struct Subjects {
  const void* event = nullptr;
  const FlowContext* flow = nullptr;
  RegexMatcher* regex = nullptr;

  bool read(const FieldRef& field, FieldValue& out) const {
    return field.spec->get(field.of_flow ? static_cast<const void*>(flow) : event, out);
  }
};

struct Condition {
  FieldRef field;
  Operator op = Operator::equals;
  std::vector<std::string> texts;       // string operands (glob pattern included)
  std::vector<std::int64_t> integers;   // integer and tls-version operands (versions as code points)
  bool boolean = false;
  CidrList cidrs;                       // address operands (a bare address is a host prefix)
  FieldRef other;                       // equals_field / not_equals_field
  std::shared_ptr<const RegexPattern> pattern;  // compiled once, shared read-only

  bool matches(const Subjects& subjects) const;
};

struct ConditionGroup {
  std::vector<Condition> all;
  std::vector<ConditionGroup> any;  // empty: no alternatives required

  bool matches(const Subjects& subjects) const;
};

// Shell-style `*` and `?` over bytes, no allocation.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace spanwatch::rules
