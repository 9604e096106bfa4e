#pragma once
// EVE records for application-layer events: `ftp`, `pop3`, `smb`, `tls` records and `applayer`
// anomalies. Each protocol's formatter lives in <proto>_record.hpp/.cpp and offers, for every event
// type that makes a record:
//   std::string_view eve_event_type(const events::<proto>::X&);        // "ftp", "tls", ...
//   void write_eve_object(EveWriter&, const events::<proto>::X&);      // the app object ("ftp": {...})
// Event types without such a pair make no record (they still reach the rules).
#include "alert/record.hpp"
#include "alert/eve_writer.hpp"
#include "alert/flow_header.hpp"
#include "core/timestamp.hpp"
#include "events/event.hpp"

namespace spanwatch::alert {

// Writes the record for `event` if its type makes one; returns whether a line was written.
bool write_app_record(EveWriter& writer, RecordSink& sink, core::Timestamp ts, const FlowHeader& flow,
                      const events::Event& event);

}  // namespace spanwatch::alert
