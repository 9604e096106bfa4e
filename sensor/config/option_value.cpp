#include "config/option_value.hpp"

#include <algorithm>
#include <cctype>

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>
#include <yaml-cpp/node/impl.h>

#include "config/suggestion.hpp"
#include "config/value_text.hpp"

namespace spanwatch::config {
namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
    default: return "nothing";
  }
}

std::string expected_form(const Option& option) {
  switch (option.kind) {
    case OptionKind::boolean: return "true or false";
    case OptionKind::signed_integer:
    case OptionKind::unsigned_integer: return "a whole number";
    case OptionKind::size: return "a size like 64mb";
    case OptionKind::duration: return "a duration like 30s, 5m or 1h";
    case OptionKind::string: return "a string";
    case OptionKind::string_list: return "a list of strings";
    case OptionKind::choice: break;
  }
  std::string names;
  for (const std::string& name : option.choices) {
    if (!names.empty()) names += '|';
    names += name;
  }
  return "one of " + names;
}

// Reports against one option at one place.
class ValueParser {
 public:
  ValueParser(const Option& option, const YAML::Node& node, const YAML::Mark& key_mark, const Source& source)
      : option_(option), node_(node), key_mark_(key_mark), source_(source) {}

  OptionValue parse() const {
    switch (option_.kind) {
      case OptionKind::string: return parse_string();
      case OptionKind::string_list: return parse_string_list();
      default: break;
    }
    if (node_.IsNull()) fail(key_mark_, "expected " + expected_form(option_) + ", got nothing");
    if (!node_.IsScalar()) fail_expected(node_);
    const std::string& text = node_.Scalar();
    switch (option_.kind) {
      case OptionKind::boolean: return parse_boolean(text);
      case OptionKind::signed_integer: return parse_signed_integer(text);
      case OptionKind::unsigned_integer:
        return check_unsigned(text, parse_unsigned(text), [](std::uint64_t v) { return std::to_string(v); });
      case OptionKind::size: return check_unsigned(text, parse_size(text), format_size);
      case OptionKind::duration: return check_unsigned(text, parse_duration_seconds(text), format_duration);
      default: return parse_choice(text);
    }
  }

 private:
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    source_.fail(mark, option_.path + ": " + message);
  }
  [[noreturn]] void fail_expected(const YAML::Node& node) const {
    fail(node.Mark(), "expected " + expected_form(option_) + ", got " + describe(node));
  }

  OptionValue parse_string() const {
    if (node_.IsNull()) return std::string{};
    if (!node_.IsScalar()) fail_expected(node_);
    return node_.Scalar();
  }

  OptionValue parse_string_list() const {
    std::vector<std::string> items;
    if (node_.IsNull()) return items;
    if (node_.IsScalar()) return std::vector<std::string>{node_.Scalar()};
    if (!node_.IsSequence()) fail_expected(node_);
    for (const YAML::Node& item : node_) {
      if (!item.IsScalar()) {
        const YAML::Mark mark = item.Mark().is_null() ? node_.Mark() : item.Mark();
        fail(mark, "expected each list item to be a string, got " + describe(item));
      }
      items.push_back(item.Scalar());
    }
    return items;
  }

  OptionValue parse_boolean(const std::string& text) const {
    auto value = parse_bool(text);
    if (!value) fail_expected(node_);
    return *value;
  }

  OptionValue parse_signed_integer(const std::string& text) const {
    auto value = parse_signed(text);
    if (!value) {
      if (!all_digits(text)) fail_expected(node_);
      fail_range(text, text.front() == '-', std::to_string(text.front() == '-' ? option_.signed_min : option_.signed_max));
    }
    if (*value < option_.signed_min) fail_range(text, true, std::to_string(option_.signed_min));
    if (*value > option_.signed_max) fail_range(text, false, std::to_string(option_.signed_max));
    return *value;
  }

  template <class Format>
  OptionValue check_unsigned(const std::string& text, std::optional<std::uint64_t> value, Format format) const {
    if (!value) {
      if (!text.empty() && text.front() == '-' && all_digits(text)) fail_range(text, true, format(option_.unsigned_min));
      // Digits (and a known unit) that overflow 64 bits are out of range, not malformed.
      if (!all_digits(text) && !fits_after_shrinking(text)) fail_expected(node_);
      fail_range(text, false, format(option_.unsigned_max));
    }
    if (*value < option_.unsigned_min) fail_range(text, true, format(option_.unsigned_min));
    if (*value > option_.unsigned_max) fail_range(text, false, format(option_.unsigned_max));
    return *value;
  }

  OptionValue parse_choice(const std::string& text) const {
    for (std::size_t i = 0; i < option_.choices.size(); ++i) {
      if (edit_distance(text, option_.choices[i]) == 0) {  // names match ignoring case
        return static_cast<std::uint64_t>(i);
      }
    }
    std::string message = "expected " + expected_form(option_) + ", got " + quoted(text);
    if (auto hint = closest_name(text, option_.choices)) message += " (did you mean " + quoted(*hint) + "?)";
    fail(node_.Mark(), message);
  }

  [[noreturn]] void fail_range(const std::string& text, bool below, const std::string& limit) const {
    fail(node_.Mark(), text + (below ? " is below the minimum " : " is above the maximum ") + limit);
  }

  static bool all_digits(std::string_view text) {
    if (!text.empty() && text.front() == '-') text.remove_prefix(1);
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  // "99999999999tb": well formed, only too large. Test by parsing it with the number cut short.
  bool fits_after_shrinking(const std::string& text) const {
    const auto digits = static_cast<std::size_t>(
        std::find_if(text.begin(), text.end(), [](char c) { return c < '0' || c > '9'; }) - text.begin());
    if (digits == 0 || option_.kind == OptionKind::unsigned_integer) return false;
    std::string shrunk = "1";
    shrunk.append(text, digits);
    return option_.kind == OptionKind::size ? parse_size(shrunk).has_value()
                                            : parse_duration_seconds(shrunk).has_value();
  }

  const Option& option_;
  const YAML::Node& node_;
  const YAML::Mark& key_mark_;
  const Source& source_;
};

std::string emit_quoted(const std::string& text) {
  YAML::Emitter emitter;
  emitter << YAML::DoubleQuoted << text;
  return emitter.c_str();
}

std::string emit_list(const std::vector<std::string>& items) {
  YAML::Emitter emitter;
  emitter << YAML::Flow << YAML::BeginSeq;
  for (const std::string& item : items) emitter << YAML::DoubleQuoted << item;
  emitter << YAML::EndSeq;
  return emitter.c_str();
}

}  // namespace

OptionValue parse_option_value(const Option& option, const YAML::Node& node, const YAML::Mark& key_mark,
                               const Source& source) {
  return ValueParser(option, node, key_mark, source).parse();
}

std::string format_option_value(const Option& option, const OptionValue& value) {
  switch (option.kind) {
    case OptionKind::boolean: return std::get<bool>(value) ? "true" : "false";
    case OptionKind::signed_integer: return std::to_string(std::get<std::int64_t>(value));
    case OptionKind::unsigned_integer: return std::to_string(std::get<std::uint64_t>(value));
    case OptionKind::size: return format_size(std::get<std::uint64_t>(value));
    case OptionKind::duration: return format_duration(std::get<std::uint64_t>(value));
    case OptionKind::string: return emit_quoted(std::get<std::string>(value));
    case OptionKind::string_list: return emit_list(std::get<std::vector<std::string>>(value));
    case OptionKind::choice: break;
  }
  const auto index = std::get<std::uint64_t>(value);
  return index < option.choices.size() ? option.choices[index] : std::string("?");
}

}  // namespace spanwatch::config
