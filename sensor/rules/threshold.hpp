#pragma once
// The counting behind `threshold:` for one tracked key. `threshold` and `limit` use Suricata's fixed
// windows (opened by the first match). `both` (and `distinct`) look at a sliding window over the
// last matches: it fires when `count` of them fall within `seconds`, uses those matches up, and stays
// silent until the window they opened has closed — so a burst straddling a fixed window's edge is
// not missed, and a burst still gets one alert per window.
#include <array>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "rules/rule.hpp"

namespace spanwatch::rules {

inline constexpr std::size_t kept_values = 4;  // values remembered for metadata ({threshold.values})

struct ThresholdState {
  std::array<std::int64_t, max_threshold_count> times{};   // ring of recent match times (ns)
  std::array<std::uint64_t, max_threshold_count> hashes{};  // and their `values` field hashes
  std::uint8_t next = 0;
  std::uint8_t size = 0;
  bool window_open = false;       // fixed windows
  std::int64_t window_start = 0;
  std::uint32_t window_count = 0;
  std::int64_t quiet_until = 0;   // `both`: silent until then
  std::array<core::FixedString<48>, kept_values> names;
  std::array<std::uint64_t, kept_values> name_hashes{};
  std::uint8_t names_size = 0;
  bool names_stale = false;  // cleared at the next match
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
