#pragma once
// The counting behind `threshold:` for one tracked key, with Suricata's semantics: a window of
// `seconds` is opened by the first match and holds the matches less than `seconds` after it (a
// match exactly `seconds` later opens the next window). `threshold` alerts on every count-th match
// of a window, `limit` on its first count matches, `both` once, on the count-th match (or, with
// `distinct`, when count distinct values have been seen in the window).
#include <array>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "rules/rule.hpp"

namespace spanwatch::rules {

inline constexpr std::size_t kept_values = 4;  // values remembered for metadata ({threshold.values})

struct ThresholdState {
  bool window_open = false;
  std::int64_t window_start = 0;  // ns, the window's first match
  std::uint32_t count = 0;        // matches in the window (`threshold`: since its last alert)
  std::uint32_t matches = 0;      // matches in the window, for the alert's metadata
  bool fired = false;             // `both`: this window has alerted
  std::array<std::uint64_t, max_threshold_count> distinct_hashes{};  // of the `values` field
  std::uint8_t distinct = 0;      // saturates at max_threshold_count (count never exceeds it)
  std::array<core::FixedString<48>, kept_values> names;  // the first distinct values, for metadata
  std::uint8_t names_size = 0;
};

struct ThresholdResult {
  bool fire = false;
  std::uint32_t count = 0;     // matches in the window
  std::uint32_t distinct = 0;  // distinct `values` in the window
};

// Records one match at `now_ns` with its `values` field text (empty without one).
ThresholdResult apply_threshold(const ThresholdSpec& spec, ThresholdState& state, std::int64_t now_ns,
                                std::string_view value);

// Views of the values remembered in `state` (for metadata), into `out`; returns how many.
std::size_t kept_value_views(const ThresholdState& state, std::array<std::string_view, kept_values>& out);

}  // namespace spanwatch::rules
