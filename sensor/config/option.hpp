#pragma once
// One entry of the OptionTable: where it lives in the YAML tree, what it means, what it accepts,
// and how to read and write the variable it is bound to (type-erased so one table holds all).
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace spanwatch::config {

enum class OptionKind {
  boolean,
  signed_integer,
  unsigned_integer,
  size,         // bytes, "64mb"
  duration,     // seconds, "5m"
  string,
  string_list,  // YAML sequence; a single scalar becomes a one-element list
  choice,       // one name from a fixed list; the value is the index into `choices`
};

// bool; int64 for signed integers; uint64 for unsigned integers, sizes (bytes), durations
// (seconds) and choices (index); string; string list.
using OptionValue = std::variant<bool, std::int64_t, std::uint64_t, std::string, std::vector<std::string>>;

struct Option {
  std::string path;  // dotted, e.g. "flow.timeouts.established"
  std::string doc;   // one line
  OptionKind kind = OptionKind::string;
  std::int64_t signed_min = 0;
  std::int64_t signed_max = 0;
  std::uint64_t unsigned_min = 0;  // also bytes for sizes and seconds for durations
  std::uint64_t unsigned_max = 0;
  std::vector<std::string> choices;
  std::function<OptionValue()> read;
  std::function<void(const OptionValue&)> write;
  OptionValue default_value;  // what the bound variable held at registration
};

}  // namespace spanwatch::config
