#include "rules/threshold.hpp"

#include <algorithm>

#include <boost/container_hash/hash.hpp>

namespace spanwatch::rules {
namespace {

constexpr std::int64_t nanos_per_second = 1'000'000'000;

void open_window(ThresholdState& s, std::int64_t now_ns) {
  s.window_open = true;
  s.window_start = now_ns;
  s.count = 0;
  s.matches = 0;
  s.fired = false;
  s.distinct = 0;
  s.names_size = 0;
}

void remember_value(ThresholdState& s, std::string_view value) {
  const std::uint64_t hash = boost::hash_range(value.begin(), value.end());
  const auto seen = s.distinct_hashes.begin() + s.distinct;
  if (std::find(s.distinct_hashes.begin(), seen, hash) != seen) return;
  if (s.distinct == max_threshold_count) return;
  s.distinct_hashes[s.distinct++] = hash;
  if (s.names_size < kept_values) s.names[s.names_size++].assign(value);
}

}  // namespace

ThresholdResult apply_threshold(const ThresholdSpec& spec, ThresholdState& s, std::int64_t now_ns,
                                std::string_view value) {
  const std::int64_t window_ns = spec.seconds * nanos_per_second;
  if (!s.window_open || now_ns - s.window_start >= window_ns) open_window(s, now_ns);
  ++s.count;
  ++s.matches;
  if (spec.values) remember_value(s, value);

  ThresholdResult r;
  r.count = s.matches;
  r.distinct = s.distinct;
  switch (spec.type) {
    case ThresholdType::threshold:
      if (s.count >= spec.count) {
        r.fire = true;
        s.count = 0;  // every count-th match; the window itself stays
      }
      break;
    case ThresholdType::limit: r.fire = s.count <= spec.count; break;
    case ThresholdType::both: {
      const std::uint32_t reached = spec.distinct ? s.distinct : s.count;
      if (!s.fired && reached >= spec.count) {
        r.fire = true;
        s.fired = true;
      }
      break;
    }
  }
  return r;
}

std::size_t kept_value_views(const ThresholdState& state, std::array<std::string_view, kept_values>& out) {
  for (std::size_t i = 0; i < state.names_size; ++i) out[i] = state.names[i].view();
  return state.names_size;
}

}  // namespace spanwatch::rules
