#include "rules/threshold.hpp"

#include <boost/container_hash/hash.hpp>

namespace spanwatch::rules {
namespace {

constexpr std::int64_t nanos_per_second = 1'000'000'000;

std::uint64_t value_hash(std::string_view value) {
  return boost::hash_range(value.begin(), value.end());
}

// Sample indexes from newest to oldest.
template <class Fn>
void for_each_recent(const ThresholdState& s, Fn&& fn) {
  for (std::size_t k = 0; k < s.size; ++k) {
    const std::size_t i = (s.next + max_threshold_count - 1 - k) % max_threshold_count;
    if (!fn(i)) return;
  }
}

void remember_name(ThresholdState& s, std::uint64_t hash, std::string_view value) {
  for (std::size_t i = 0; i < s.names_size; ++i)
    if (s.name_hashes[i] == hash) return;
  if (s.names_size == kept_values) return;
  s.names[s.names_size].assign(value);
  s.name_hashes[s.names_size++] = hash;
}

// Matches (and distinct values) among the samples no older than `seconds`; `oldest` is the first of them.
ThresholdResult in_window(const ThresholdState& s, std::int64_t now_ns, std::int64_t seconds, std::int64_t& oldest) {
  const std::int64_t since = now_ns - seconds * nanos_per_second;
  ThresholdResult r;
  oldest = now_ns;
  std::array<std::uint64_t, max_threshold_count> seen{};
  for_each_recent(s, [&](std::size_t i) {
    if (s.times[i] < since) return false;
    ++r.count;
    oldest = s.times[i];
    bool known = false;
    for (std::uint32_t d = 0; d < r.distinct && !known; ++d) known = seen[d] == s.hashes[i];
    if (!known) seen[r.distinct++] = s.hashes[i];
    return true;
  });
  return r;
}

}  // namespace

ThresholdResult apply_threshold(const ThresholdSpec& spec, ThresholdState& s, std::int64_t now_ns,
                                std::string_view value) {
  const std::uint64_t hash = spec.values ? value_hash(value) : 0;
  const std::int64_t window_ns = spec.seconds * nanos_per_second;
  // A key whose last match has left the window starts over: its remembered names go too.
  if (s.size > 0 && s.times[(s.next + max_threshold_count - 1) % max_threshold_count] < now_ns - window_ns) {
    s.size = 0;
    s.names_stale = true;
  }
  if (s.names_stale) {  // kept until now: the last alert's metadata was rendered from them
    s.names_size = 0;
    s.names_stale = false;
  }
  s.times[s.next] = now_ns;
  s.hashes[s.next] = hash;
  s.next = static_cast<std::uint8_t>((s.next + 1) % max_threshold_count);
  if (s.size < max_threshold_count) ++s.size;
  if (spec.values) remember_name(s, hash, value);

  std::int64_t oldest = now_ns;
  ThresholdResult r = in_window(s, now_ns, spec.seconds, oldest);
  if (spec.type == ThresholdType::both) {
    const std::uint32_t reached = spec.distinct ? r.distinct : r.count;
    if (now_ns >= s.quiet_until && reached >= spec.count) {
      r.fire = true;
      // The matches that fired are used up; the window they opened must close before the next alert.
      s.quiet_until = oldest + window_ns + 1;
      s.size = 0;
      s.names_stale = true;
    }
    return r;
  }

  if (!s.window_open || now_ns - s.window_start > window_ns) {
    s.window_open = true;
    s.window_start = now_ns;
    s.window_count = 1;
  } else {
    ++s.window_count;
  }
  r.count = s.window_count;
  if (spec.type == ThresholdType::limit) {
    r.fire = s.window_count <= spec.count;
  } else if (s.window_count >= spec.count) {
    r.fire = true;
    s.window_count = 0;  // Suricata: every count-th match; the window itself stays open
  }
  return r;
}

std::size_t kept_value_views(const ThresholdState& state, std::array<std::string_view, kept_values>& out) {
  for (std::size_t i = 0; i < state.names_size; ++i) out[i] = state.names[i].view();
  return state.names_size;
}

}  // namespace spanwatch::rules
