#include "rules/condition.hpp"

#include <algorithm>

#include "rules/tls_version.hpp"

namespace spanwatch::rules {
namespace {

bool has_value(FieldType type, const FieldValue& v) {
  switch (type) {
    case FieldType::string: return !v.text.empty();
    case FieldType::address: return v.address.family() != core::IpAddress::Family::none;
    case FieldType::string_list: return !v.strings.empty();
    case FieldType::integer_list: return !v.integers.empty();
    default: return true;
  }
}

bool text_in(const std::vector<std::string>& texts, std::string_view text) {
  return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) { return t == text; });
}

bool integer_in(const std::vector<std::int64_t>& values, std::int64_t v, bool version) {
  const std::int64_t key = version ? tls_version_rank(v) : v;
  return std::any_of(values.begin(), values.end(),
                     [&](std::int64_t x) { return (version ? tls_version_rank(x) : x) == key; });
}

// The field equals (one of) the operands, by its type.
bool equal_to_operand(const Condition& c, const FieldValue& v) {
  switch (c.field.spec->type) {
    case FieldType::string: return text_in(c.texts, v.text);
    case FieldType::integer: return integer_in(c.integers, v.integer, false);
    case FieldType::tls_version: return integer_in(c.integers, v.integer, true);
    case FieldType::boolean: return v.boolean == c.boolean;
    case FieldType::address: return c.cidrs.contains(v.address);
    case FieldType::string_list:
      return std::any_of(v.strings.begin(), v.strings.end(), [&](std::string_view s) { return text_in(c.texts, s); });
    case FieldType::integer_list:
      return std::any_of(v.integers.begin(), v.integers.end(),
                         [&](std::uint16_t x) { return integer_in(c.integers, x, false); });
  }
  return false;
}

bool compare(const Condition& c, const FieldValue& v) {
  const bool version = c.field.spec->type == FieldType::tls_version;
  const std::int64_t left = version ? tls_version_rank(v.integer) : v.integer;
  const std::int64_t right = version ? tls_version_rank(c.integers.front()) : c.integers.front();
  switch (c.op) {
    case Operator::less: return left < right;
    case Operator::less_equal: return left <= right;
    case Operator::greater: return left > right;
    default: return left >= right;
  }
}

bool same_value(FieldType type, const FieldValue& a, const FieldValue& b) {
  switch (type) {
    case FieldType::string: return a.text == b.text;
    case FieldType::integer: return a.integer == b.integer;
    case FieldType::tls_version: return tls_version_rank(a.integer) == tls_version_rank(b.integer);
    case FieldType::boolean: return a.boolean == b.boolean;
    case FieldType::address: return a.address == b.address;
    case FieldType::string_list: return std::equal(a.strings.begin(), a.strings.end(), b.strings.begin(), b.strings.end());
    case FieldType::integer_list:
      return std::equal(a.integers.begin(), a.integers.end(), b.integers.begin(), b.integers.end());
  }
  return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool Condition::matches(const Subjects& subjects) const {
  FieldValue v;
  const bool present = subjects.read(field, v) && has_value(field.spec->type, v);
  switch (op) {
    case Operator::exists: return present;
    case Operator::not_exists: return !present;
    case Operator::not_equals:
    case Operator::not_in:
    case Operator::not_in_cidr:
    case Operator::not_contains:
      if (!present) return true;  // an absent field equals nothing
      return !equal_to_operand(*this, v);
    default: break;
  }
  if (!present) return false;
  switch (op) {
    case Operator::equals:
    case Operator::in:
    case Operator::in_cidr:
    case Operator::contains: return equal_to_operand(*this, v);
    case Operator::less:
    case Operator::less_equal:
    case Operator::greater:
    case Operator::greater_equal: return compare(*this, v);
    case Operator::equals_field:
    case Operator::not_equals_field: {
      FieldValue w;
      const bool other_present = subjects.read(other, w) && has_value(other.spec->type, w);
      if (!other_present) return false;  // nothing to compare with: neither equal nor different
      return same_value(field.spec->type, v, w) == (op == Operator::equals_field);
    }
    case Operator::glob: return glob_match(texts.front(), v.text);
    case Operator::regex: return subjects.regex != nullptr && subjects.regex->search(*pattern, v.text);
    default: return false;
  }
}

bool ConditionGroup::matches(const Subjects& subjects) const {
  for (const Condition& c : all)
    if (!c.matches(subjects)) return false;
  if (any.empty()) return true;
  return std::any_of(any.begin(), any.end(), [&](const ConditionGroup& g) { return g.matches(subjects); });
}

}  // namespace spanwatch::rules
