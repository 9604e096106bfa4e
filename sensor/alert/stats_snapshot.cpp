#include "alert/stats_snapshot.hpp"

#include <algorithm>

namespace spanwatch::alert {
namespace {

std::string_view next_segment(std::string_view& rest) {
  const std::size_t dot = rest.find('.');
  const std::string_view segment = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  return segment;
}

}  // namespace

bool stats_path_less(std::string_view a, std::string_view b) {
  // An empty remainder after a trailing '.' still counts as a segment; such paths are rejected by
  // the writer anyway, the order only has to be strict and consistent.
  bool a_done = a.empty();
  bool b_done = b.empty();
  while (!a_done && !b_done) {
    const bool a_last = a.find('.') == std::string_view::npos;
    const bool b_last = b.find('.') == std::string_view::npos;
    const std::string_view sa = next_segment(a);
    const std::string_view sb = next_segment(b);
    if (sa != sb) return sa < sb;
    a_done = a_last;
    b_done = b_last;
  }
  return a_done && !b_done;
}

void StatsSnapshot::add(std::string_view path, std::uint64_t value) {
  const auto at = std::lower_bound(entries_.begin(), entries_.end(), path,
                                   [](const StatsEntry& e, std::string_view p) { return stats_path_less(e.path, p); });
  if (at != entries_.end() && at->path == path) {
    at->value += value;
    return;
  }
  entries_.insert(at, StatsEntry{path, value});
}

}  // namespace spanwatch::alert
