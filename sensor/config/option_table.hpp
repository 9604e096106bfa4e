#pragma once
// The declarative configuration table (STYLE.md #12). Each layer keeps its own Options struct with
// its own defaults; the daemon binds their fields here by dotted path. The same table then loads
// spanwatch.yaml, applies command-line overrides, and prints the effective configuration.
//
//   OptionTable table;
//   table.describe_section("flow", "Flow table");
//   table.add_size("flow.memcap", &flow_options.memcap, "Memory for flow state", 1u << 20);
//   table.load_file("/etc/spanwatch/spanwatch.yaml");   // throws ConfigError "file:12:5: ..."
//   table.set("outputs.eve.log_dir", "/tmp/eve");        // throws ConfigError "command line: ..."
//
// Loading is all-or-nothing: every value is parsed and checked before any bound variable is
// written, so after a ConfigError the variables hold what they held before the call.
// Registration mistakes (bad path, duplicate, default outside a choice list) are programming
// errors and throw std::invalid_argument. Bound variables must outlive the table.
#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/config_error.hpp"
#include "config/option.hpp"

namespace spanwatch::config {

class OptionTable {
 public:
  OptionTable();

  // --- registration: the default is whatever *target holds now -------------------------------
  void add_bool(std::string path, bool* target, std::string doc);

  template <std::integral T>
    requires(!std::same_as<T, bool>)
  void add_integer(std::string path, T* target, std::string doc, T min = std::numeric_limits<T>::min(),
                   T max = std::numeric_limits<T>::max());

  // Bytes; accepts 4096, "512kb", "64MiB", "1 gb" (see value_text.hpp).
  template <std::unsigned_integral T>
  void add_size(std::string path, T* target, std::string doc, std::uint64_t min = 0,
                std::uint64_t max = std::numeric_limits<T>::max());

  // Whole seconds; accepts 30, "30s", "5m", "1h", "2d".
  void add_duration(std::string path, std::chrono::seconds* target, std::string doc,
                    std::chrono::seconds min = std::chrono::seconds{0},
                    std::chrono::seconds max = std::chrono::seconds::max());
  template <std::unsigned_integral T>
  void add_duration(std::string path, T* seconds, std::string doc, T min = 0, T max = std::numeric_limits<T>::max());

  void add_string(std::string path, std::string* target, std::string doc);
  void add_string_list(std::string path, std::vector<std::string>* target, std::string doc);

  // One of a fixed list of names, e.g. {{"error", Level::error}, {"info", Level::info}}.
  template <class E>
    requires std::is_enum_v<E>
  void add_enum(std::string path, E* target, std::string doc, std::initializer_list<std::pair<std::string_view, E>> names);

  // A comment printed above "section:" in dump(). The section need not have options yet.
  void describe_section(std::string_view path, std::string doc);

  // --- applying values -----------------------------------------------------------------------
  void load_file(const std::string& path);
  // `name` is what errors print in place of a file name.
  void load_string(std::string_view yaml, std::string name);
  // One override by full dotted path, parsed like a YAML scalar. A string list takes either a
  // single item or a YAML flow sequence "[a, b]"; an empty value is an empty list.
  void set(std::string_view path, std::string_view value);

  // The effective configuration as YAML, nested by path in registration order, each option
  // preceded by "# doc (default: X)". load_string(dump()) reproduces every value.
  std::string dump() const;

  const std::vector<Option>& options() const { return options_; }

 private:
  struct Child {
    std::string name;
    bool is_section = false;
    std::size_t index = 0;  // into sections_ or options_
  };
  struct Section {
    std::string path;  // "" for the root
    std::string doc;
    std::vector<Child> children;
  };
  struct Staged {
    std::size_t option = 0;
    OptionValue value;
  };
  class Loader;

  void add(Option option);
  std::size_t section_for(std::string_view path, bool create);
  const Child* find_child(std::size_t section, std::string_view name) const;
  std::vector<std::string> child_names(std::size_t section) const;
  void dump_section(std::size_t section, int depth, std::string& out) const;

  std::vector<Option> options_;
  std::vector<Section> sections_;
};

// --- template definitions ------------------------------------------------------------------------

template <std::integral T>
  requires(!std::same_as<T, bool>)
void OptionTable::add_integer(std::string path, T* target, std::string doc, T min, T max) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  if constexpr (std::is_signed_v<T>) {
    option.kind = OptionKind::signed_integer;
    option.signed_min = min;
    option.signed_max = max;
    option.read = [target] { return OptionValue{static_cast<std::int64_t>(*target)}; };
    option.write = [target](const OptionValue& v) { *target = static_cast<T>(std::get<std::int64_t>(v)); };
  } else {
    option.kind = OptionKind::unsigned_integer;
    option.unsigned_min = min;
    option.unsigned_max = max;
    option.read = [target] { return OptionValue{static_cast<std::uint64_t>(*target)}; };
    option.write = [target](const OptionValue& v) { *target = static_cast<T>(std::get<std::uint64_t>(v)); };
  }
  add(std::move(option));
}

template <std::unsigned_integral T>
void OptionTable::add_size(std::string path, T* target, std::string doc, std::uint64_t min, std::uint64_t max) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::size;
  option.unsigned_min = min;
  option.unsigned_max = std::min<std::uint64_t>(max, std::numeric_limits<T>::max());
  option.read = [target] { return OptionValue{static_cast<std::uint64_t>(*target)}; };
  option.write = [target](const OptionValue& v) { *target = static_cast<T>(std::get<std::uint64_t>(v)); };
  add(std::move(option));
}

template <std::unsigned_integral T>
void OptionTable::add_duration(std::string path, T* seconds, std::string doc, T min, T max) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::duration;
  option.unsigned_min = min;
  option.unsigned_max = max;
  option.read = [seconds] { return OptionValue{static_cast<std::uint64_t>(*seconds)}; };
  option.write = [seconds](const OptionValue& v) { *seconds = static_cast<T>(std::get<std::uint64_t>(v)); };
  add(std::move(option));
}

template <class E>
  requires std::is_enum_v<E>
void OptionTable::add_enum(std::string path, E* target, std::string doc,
                           std::initializer_list<std::pair<std::string_view, E>> names) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::choice;
  std::vector<E> values;
  for (const auto& [name, value] : names) {
    option.choices.emplace_back(name);
    values.push_back(value);
  }
  // Index of the variable's current value; choices.size() when it holds an unlisted value,
  // which add() rejects at registration.
  option.read = [target, values] {
    std::uint64_t index = 0;
    while (index < values.size() && values[index] != *target) ++index;
    return OptionValue{index};
  };
  option.write = [target, values](const OptionValue& v) { *target = values[std::get<std::uint64_t>(v)]; };
  add(std::move(option));
}

}  // namespace spanwatch::config
