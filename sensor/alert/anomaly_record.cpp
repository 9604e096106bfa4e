#include "alert/anomaly_record.hpp"

namespace spanwatch::alert {

std::string_view format_anomaly(EveWriter& writer, core::Timestamp ts, const FlowHeader* flow_or_null,
                                const AnomalyFields& anomaly) {
  JsonWriter& json = writer.begin("anomaly", ts, flow_or_null);
  writer.key("anomaly");
  json.StartObject();
  writer.field("type", anomaly.type);
  writer.field("event", anomaly.event);
  if (!anomaly.layer.empty()) writer.field("layer", anomaly.layer);
  if (!anomaly.app_proto.empty()) writer.field("app_proto", anomaly.app_proto);
  json.EndObject();
  return writer.end();
}

void write_anomaly(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const FlowHeader* flow_or_null,
                   std::string_view type, std::string_view event, std::string_view layer) {
  write_anomaly(writer, sink, ts, flow_or_null, AnomalyFields{type, event, layer, {}});
}

void write_anomaly(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const FlowHeader* flow_or_null,
                   const AnomalyFields& anomaly) {
  const std::string_view line = format_anomaly(writer, ts, flow_or_null, anomaly);
  if (!line.empty()) sink.write(Record{"anomaly", ts, line, nullptr});
}

}  // namespace spanwatch::alert
