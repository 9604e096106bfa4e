#include "alert/stats_record.hpp"

#include <array>

namespace spanwatch::alert {
namespace {

struct SplitPath {
  std::array<std::string_view, max_stats_path_segments> segments;
  std::size_t count = 0;
  bool valid = false;
};

SplitPath split(std::string_view path) {
  SplitPath out;
  while (true) {
    if (out.count == max_stats_path_segments) return out;
    const std::size_t dot = path.find('.');
    const std::string_view segment = path.substr(0, dot);
    if (segment.empty()) return out;
    out.segments[out.count++] = segment;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  out.valid = out.segments[0] != "uptime";
  return out;
}

// Does `longer` continue `prefix` with at least one more segment?
bool extends(std::string_view longer, std::string_view prefix) {
  return longer.size() > prefix.size() && longer.substr(0, prefix.size()) == prefix && longer[prefix.size()] == '.';
}

}  // namespace

StatsRecordResult format_stats(EveWriter& writer, core::Timestamp ts, const StatsSnapshot& snapshot) {
  StatsRecordResult result;
  JsonWriter& json = writer.begin("stats", ts, nullptr);
  writer.key("stats");
  json.StartObject();
  writer.key("uptime");
  json.Int64(snapshot.uptime_seconds());

  // Objects currently open, outermost first. Entries are ordered segment by segment, so each
  // entry closes the objects it does not share with the previous one and opens the rest.
  std::array<std::string_view, max_stats_path_segments> open{};
  std::size_t open_count = 0;
  const auto entries = snapshot.entries();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const SplitPath path = split(entries[i].path);
    const bool has_children = i + 1 < entries.size() && extends(entries[i + 1].path, entries[i].path);
    if (!path.valid || has_children) {
      ++result.skipped_paths;
      continue;
    }
    std::size_t shared = 0;
    while (shared < open_count && shared + 1 < path.count && open[shared] == path.segments[shared]) ++shared;
    for (; open_count > shared; --open_count) json.EndObject();
    for (; open_count + 1 < path.count; ++open_count) {
      open[open_count] = path.segments[open_count];
      writer.key(open[open_count]);
      json.StartObject();
    }
    writer.key(path.segments[path.count - 1]);
    json.Uint64(entries[i].value);
  }
  for (; open_count > 0; --open_count) json.EndObject();

  json.EndObject();
  result.line = writer.end();
  return result;
}

StatsRecordResult write_stats(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const StatsSnapshot& snapshot) {
  StatsRecordResult result = format_stats(writer, ts, snapshot);
  if (!result.line.empty()) sink.write(Record{"stats", ts, result.line, nullptr});
  return result;
}

}  // namespace spanwatch::alert
