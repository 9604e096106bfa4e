#include "alert/app_record.hpp"

#include "alert/anomaly_record.hpp"
#include "alert/ftp_record.hpp"
#include "alert/pop3_record.hpp"
#include "alert/smb_record.hpp"
#include "alert/tls_record.hpp"

namespace spanwatch::alert {
namespace {

template <class T>
concept HasEveRecord = requires(EveWriter& writer, const T& event) {
  { eve_event_type(event) };
  write_eve_object(writer, event);
};

}  // namespace

bool write_app_record(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const FlowHeader& flow,
                      const events::Event& event) {
  return std::visit(
      [&](const auto& e) -> bool {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::AppAnomaly>) {
          write_anomaly(writer, sink, ts, &flow,
                        AnomalyFields{"applayer", e.event, "proto_parser", events::name_of(e.protocol)});
          return true;
        } else if constexpr (HasEveRecord<T>) {
          writer.begin(eve_event_type(e), ts, &flow);
          write_eve_object(writer, e);
          const std::string_view line = writer.end();
          if (line.empty()) return false;
          return sink.write(Record{eve_event_type(e), ts, line, nullptr});
        } else {
          return false;
        }
      },
      event);
}

}  // namespace spanwatch::alert
