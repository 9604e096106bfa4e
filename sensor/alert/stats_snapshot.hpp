#pragma once
// One stats period's counters, named by Suricata's dotted stats paths ("decoder.ipv4",
// "tcp.reassembly_gap"), kept ordered segment by segment so the stats record can nest them into
// objects in one pass. Layers report their own counters; alert/ knows no layer.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace spanwatch::alert {

struct StatsEntry {
  std::string_view path;  // a literal owned by the reporting layer
  std::uint64_t value = 0;
};

// Orders dotted paths segment by segment ("a.b" < "a.b.c" < "a.b-c"), so that every path
// extending a prefix comes right after it.
bool stats_path_less(std::string_view a, std::string_view b);

class StatsSnapshot {
 public:
  explicit StatsSnapshot(std::size_t expected_paths = 512) { entries_.reserve(expected_paths); }

  // Adds `value` under `path`; a path reported again (one per worker, say) is summed.
  void add(std::string_view path, std::uint64_t value);
  // Forgets the entries, keeps the storage.
  void clear() {
    entries_.clear();
    uptime_seconds_ = 0;
  }
  std::span<const StatsEntry> entries() const { return entries_; }

  // Seconds since the sensor started, written as stats.uptime.
  void set_uptime_seconds(std::int64_t seconds) { uptime_seconds_ = seconds; }
  std::int64_t uptime_seconds() const { return uptime_seconds_; }

 private:
  std::vector<StatsEntry> entries_;  // sorted by stats_path_less, paths unique
  std::int64_t uptime_seconds_ = 0;
};

}  // namespace spanwatch::alert
