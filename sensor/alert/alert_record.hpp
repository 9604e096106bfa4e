#pragma once
// The EVE `alert` record for a rules::Alert: Suricata's header (src = the flow's client), then
// "alert": {action, gid, signature_id, rev, signature, category, severity, metadata{key: [values]},
// references}, then the triggering event's app object ("smb": {...}) when its type has one.
// Call it inside AlertSink::on_alert(): the alert and its event are views valid only there.
#include <string_view>

#include "alert/record.hpp"
#include "alert/eve_writer.hpp"
#include "alert/flow_header.hpp"
#include "rules/alert.hpp"

namespace spanwatch::alert {

// Returns the line (valid until the writer's next begin()), empty if the record came out unbalanced.
std::string_view format_alert(EveWriter& writer, const FlowHeader& flow, const rules::Alert& alert);

// Formats and appends the record to `sink`; returns whether a line was written.
bool write_alert(EveWriter& writer, RecordSink& sink, const FlowHeader& flow, const rules::Alert& alert);

}  // namespace spanwatch::alert
