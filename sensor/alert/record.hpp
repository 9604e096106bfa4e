#pragma once
// One finished EVE record on its way to the outputs: the JSON line plus, for alerts, the fields an
// output needs without parsing JSON (syslog structured data, a human one-line summary).
// Everything is a view valid only during the call it is passed to: an output that keeps a record
// (a backlog waiting for a peer) copies what it needs.
#include <cstdint>
#include <string_view>

#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::alert {

struct AlertSummary {
  std::uint32_t signature_id = 0;
  std::uint32_t rev = 0;
  std::uint8_t severity = 3;  // 1 high .. 3 low (EVE alert.severity)
  std::string_view signature;
  std::string_view category;
  std::string_view app_proto;     // "smb", "ftp", "pop3", "tls"; empty when none
  std::string_view proto;         // "TCP", "UDP", ...
  core::IpAddress src_ip;         // the flow's client
  core::IpAddress dest_ip;
  std::uint16_t src_port = 0;
  std::uint16_t dest_port = 0;
  std::string_view community_id;  // empty when not computed
};

struct Record {
  std::string_view event_type;          // "alert", "smb", "stats", "anomaly", ...
  core::Timestamp timestamp;            // the record's EVE timestamp (capture time)
  std::string_view line;                // the whole EVE JSON object, without a newline
  const AlertSummary* alert = nullptr;  // set for event_type "alert" only
};

// Where the packet path hands finished records. Implementations never block the caller for long
// and never throw; a record they cannot take is counted by them and false is returned.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual bool write(const Record& record) = 0;
};

}  // namespace spanwatch::alert
