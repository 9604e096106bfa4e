#pragma once
// The EVE `stats` record: {"timestamp", "event_type": "stats", "stats": {"uptime": N, "decoder":
// {"pkts": ..., "event": {"ipv4": {"trunc_pkt": ...}}}, ...}}, nested from the snapshot's paths.
#include <cstddef>
#include <string_view>

#include "alert/record.hpp"
#include "alert/eve_writer.hpp"
#include "alert/stats_snapshot.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::alert {

// Deepest path accepted ("decoder.event.ipv4.trunc_pkt" has 4 segments).
constexpr std::size_t max_stats_path_segments = 8;

struct StatsRecordResult {
  std::string_view line;         // the formatted line, valid until the writer's next begin()
  std::size_t skipped_paths = 0;  // paths left out: empty segment, too deep, "uptime", or a path that
                                  // is both a value and the prefix of another path ("a.b" and "a.b.c")
};

StatsRecordResult format_stats(EveWriter& writer, core::Timestamp ts, const StatsSnapshot& snapshot);
// Formats and appends the record to `sink`.
StatsRecordResult write_stats(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const StatsSnapshot& snapshot);

}  // namespace spanwatch::alert
