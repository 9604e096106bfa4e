#pragma once
// Internal: one option's value between YAML and OptionValue, for loading, set() and dump().
#include <string>

#include <yaml-cpp/node/node.h>

#include "config/option.hpp"
#include "config/source.hpp"

namespace spanwatch::config {

// Parses and range-checks `node` for `option`, or fails through `source`. Errors about the value
// are placed at the value; a missing value (a null node) is placed at `key_mark`.
OptionValue parse_option_value(const Option& option, const YAML::Node& node, const YAML::Mark& key_mark,
                               const Source& source);

// The value as it is written in YAML: 64mb, 5m, true, "text", ["a", "b"], info.
std::string format_option_value(const Option& option, const OptionValue& value);

}  // namespace spanwatch::config
