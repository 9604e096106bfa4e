#pragma once
// The EVE `anomaly` record: {"event_type": "anomaly", ..., "anomaly": {"type": "decode",
// "event": "ipv4.trunc_pkt", "layer": ..., "app_proto": ...}}. Keys as in Suricata's schema.
#include <string_view>

#include "alert/record.hpp"
#include "alert/eve_writer.hpp"
#include "alert/flow_header.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::alert {

struct AnomalyFields {
  std::string_view type;       // "decode" | "stream" | "applayer"
  std::string_view event;      // the anomaly's stable snake_case name, e.g. "ipv4.trunc_pkt"
  std::string_view layer;      // optional (applayer: "proto_parser", ...); empty: omitted
  std::string_view app_proto;  // optional (applayer: "smb", ...); empty: omitted
};

// Returns the line (valid until the writer's next begin()).
std::string_view format_anomaly(EveWriter& writer, core::Timestamp ts, const FlowHeader* flow_or_null,
                                const AnomalyFields& anomaly);

// Formats and appends the record to `sink`.
void write_anomaly(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const FlowHeader* flow_or_null,
                   std::string_view type, std::string_view event, std::string_view layer = {});
void write_anomaly(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const FlowHeader* flow_or_null,
                   const AnomalyFields& anomaly);

}  // namespace spanwatch::alert
