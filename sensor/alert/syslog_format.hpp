#pragma once
// One record as an RFC 5424 syslog message:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG
// built into a caller-owned std::string that is cleared and reused (no allocation once it has grown).
// The constant header fields are checked once, when the SyslogFormat is made; per record only the
// timestamp, MSGID (for non-alert records), SD and MSG are written.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alert/record.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::alert {

// RFC 5424 §6.2.1 facility codes; config names as syslog.conf spells them.
enum class SyslogFacility : std::uint8_t {
  kern = 0, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp,
  local0 = 16, local1, local2, local3, local4, local5, local6, local7,
};
std::optional<SyslogFacility> parse_syslog_facility(std::string_view name);
std::string_view syslog_facility_name(SyslogFacility facility);

enum class SyslogSeverity : std::uint8_t {
  emergency = 0, alert, critical, error, warning, notice, informational, debug,
};

// EVE alert.severity (1 high .. 3 low, Suricata allows up to 255) to syslog:
//   1 -> alert(1), 2 -> critical(2), 3 -> warning(4), 4 and above -> notice(5);
// 0 (not a valid rule severity) is treated as 1. Emergency stays reserved for "system unusable".
// Records that are not alerts -> informational(6).
SyslogSeverity syslog_severity(const Record& record);

enum class SyslogMessageFormat : std::uint8_t {
  human,  // alerts as Suricata's fast.log / alert-syslog line; other records as their EVE JSON
  eve,    // every record as its EVE JSON line
};
std::optional<SyslogMessageFormat> parse_syslog_message_format(std::string_view name);

// RFC 5424 §6 header field limits.
inline constexpr std::size_t syslog_hostname_max = 255;
inline constexpr std::size_t syslog_app_name_max = 48;
inline constexpr std::size_t syslog_procid_max = 128;
inline constexpr std::size_t syslog_msgid_max = 32;

struct SyslogFormatOptions {
  SyslogFacility facility = SyslogFacility::local5;  // Suricata's alert-syslog default
  std::string hostname;                  // empty: gethostname()
  std::string app_name = "spanwatch";
  std::string procid;                    // empty: this process's pid
  std::string alert_msgid = "ALERT";     // other records use their event_type upper-cased
  SyslogMessageFormat message = SyslogMessageFormat::human;
};

// The checked, constant part of every message.
struct SyslogFormat {
  SyslogFacility facility = SyslogFacility::local5;
  std::string hostname;     // printable US-ASCII, within its limit, "-" when empty
  std::string app_name;
  std::string procid;
  std::string alert_msgid;
  SyslogMessageFormat message = SyslogMessageFormat::human;
};

SyslogFormat make_syslog_format(const SyslogFormatOptions& options);

// A header field as RFC 5424 allows it: every byte outside PRINTUSASCII (33..126) becomes '_',
// cut to `max_length` bytes, NILVALUE "-" when empty.
std::string syslog_header_field(std::string_view text, std::size_t max_length);

// Builds the whole message for `record` into `out` (cleared first; no trailing newline).
void format_syslog(const SyslogFormat& format, const Record& record, std::string& out);

// The pieces, for tests and for other outputs that want them.
// "<PRI>" with PRI = facility * 8 + severity.
void append_syslog_pri(SyslogFacility facility, SyslogSeverity severity, std::string& out);
// RFC 3339 in UTC with microseconds: "2016-10-16T08:13:10.446897Z"; "-" outside years 0000..9999.
void append_syslog_timestamp(core::Timestamp ts, std::string& out);
// A PARAM-VALUE with '"', '\' and ']' escaped by a backslash (RFC 5424 §6.3.3). This is the
// protocol's own escaping, not JSON's.
void append_sd_param_value(std::string_view value, std::string& out);
// The structured data element "[spanwatch@32473 sid=... ]" of an alert.
void append_alert_structured_data(const AlertSummary& alert, std::string& out);
// Suricata's alert line: "[1:SID:REV] SIGNATURE [Classification: C] [Priority: N] {PROTO} SRC:SP -> DST:DP".
// Control characters in the signature or classification become spaces (one message, one line).
void append_alert_summary(const AlertSummary& alert, std::string& out);

}  // namespace spanwatch::alert
