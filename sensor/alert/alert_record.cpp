#include "alert/alert_record.hpp"

#include "alert/ftp_record.hpp"
#include "alert/pop3_record.hpp"
#include "alert/smb_record.hpp"
#include "alert/tls_record.hpp"

namespace spanwatch::alert {
namespace {

template <class T>
concept HasAppObject = requires(EveWriter& writer, const T& event) {
  { eve_event_type(event) };
  write_eve_object(writer, event);
};

// Suricata's schema wants every metadata value as an array of strings: entries sharing a key are
// gathered into one array, in order of first appearance.
void write_metadata(EveWriter& writer, std::span<const rules::MetadataEntry> entries) {
  JsonWriter& json = writer.json();
  writer.key("metadata");
  json.StartObject();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    bool seen = false;
    for (std::size_t j = 0; j < i && !seen; ++j) seen = entries[j].key == entries[i].key;
    if (seen) continue;
    writer.key(entries[i].key);
    json.StartArray();
    for (std::size_t k = i; k < entries.size(); ++k)
      if (entries[k].key == entries[i].key) writer.string(entries[k].value);
    json.EndArray();
  }
  json.EndObject();
}

void write_app_object(EveWriter& writer, const events::Event& event) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (HasAppObject<T>) write_eve_object(writer, e);  // writes its own key ("smb": {...})
      },
      event);
}

// "smb" for smb.session_setup; an anomaly names its protocol.
std::string_view app_proto_of(const events::Event& event) {
  if (const auto* anomaly = std::get_if<events::AppAnomaly>(&event)) return events::name_of(anomaly->protocol);
  const std::string_view name = events::name_of(event);
  return name.substr(0, name.find('.'));
}

}  // namespace

std::string_view format_alert(EveWriter& writer, const FlowHeader& flow, const rules::Alert& alert) {
  const rules::Rule& rule = *alert.rule;
  JsonWriter& json = writer.begin("alert", alert.flow->ts, &flow);
  writer.key("alert");
  json.StartObject();
  writer.field("action", "allowed");
  writer.key("gid");
  json.Uint(1);
  writer.key("signature_id");
  json.Uint(rule.id);
  writer.key("rev");
  json.Uint(rule.rev);
  writer.field("signature", rule.name);
  writer.field("category", rule.category);
  writer.key("severity");
  json.Uint(rule.severity);
  if (!alert.metadata.empty()) write_metadata(writer, alert.metadata);
  if (!rule.references.empty()) {
    writer.key("references");
    json.StartArray();
    for (const std::string& reference : rule.references) writer.string(reference);
    json.EndArray();
  }
  json.EndObject();
  writer.field("app_proto", app_proto_of(*alert.event));
  write_app_object(writer, *alert.event);
  return writer.end();
}

bool write_alert(EveWriter& writer, RecordSink& sink, const FlowHeader& flow, const rules::Alert& alert) {
  const std::string_view line = format_alert(writer, flow, alert);
  if (line.empty()) return false;
  const rules::Rule& rule = *alert.rule;
  char proto_buffer[4];
  const AlertSummary summary{
      .signature_id = rule.id,
      .rev = rule.rev,
      .severity = rule.severity,
      .signature = rule.name,
      .category = rule.category,
      .app_proto = app_proto_of(*alert.event),
      .proto = eve_proto_name(flow.ip_protocol, proto_buffer),
      .src_ip = flow.src_ip,
      .dest_ip = flow.dest_ip,
      .src_port = flow.src_port,
      .dest_port = flow.dest_port,
      .community_id = flow.community_id,
  };
  return sink.write(Record{"alert", alert.flow->ts, line, &summary});
}

}  // namespace spanwatch::alert
