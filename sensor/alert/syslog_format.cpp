#include "alert/syslog_format.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <climits>
#include <ctime>
#include <utility>

namespace spanwatch::alert {

namespace {

constexpr std::array<std::pair<std::string_view, SyslogFacility>, 20> facility_names{{
    {"kern", SyslogFacility::kern},       {"user", SyslogFacility::user},
    {"mail", SyslogFacility::mail},       {"daemon", SyslogFacility::daemon},
    {"auth", SyslogFacility::auth},       {"syslog", SyslogFacility::syslog},
    {"lpr", SyslogFacility::lpr},         {"news", SyslogFacility::news},
    {"uucp", SyslogFacility::uucp},       {"cron", SyslogFacility::cron},
    {"authpriv", SyslogFacility::authpriv}, {"ftp", SyslogFacility::ftp},
    {"local0", SyslogFacility::local0},   {"local1", SyslogFacility::local1},
    {"local2", SyslogFacility::local2},   {"local3", SyslogFacility::local3},
    {"local4", SyslogFacility::local4},   {"local5", SyslogFacility::local5},
    {"local6", SyslogFacility::local6},   {"local7", SyslogFacility::local7},
}};

// The documentation Private Enterprise Number of RFC 5612 (32473): SD-IDs with '@' need a PEN, and
// spanwatch has none registered. Receivers match on the name; change it here if one is obtained.
constexpr std::string_view sd_id = "spanwatch@32473";

bool is_printable_ascii(char c) { return c >= 33 && c <= 126; }

void append_number(std::uint64_t value, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_digits(unsigned value, int width, std::string& out) {
  char buffer[8];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

void append_address(const core::IpAddress& address, std::string& out) {
  char buffer[core::IpAddress::text_size];
  out.append(address.to_chars(buffer));
}

void append_param(std::string_view name, std::string_view value, std::string& out) {
  out.push_back(' ');
  out.append(name);
  out.append("=\"");
  append_sd_param_value(value, out);
  out.push_back('"');
}

void append_param(std::string_view name, std::uint64_t value, std::string& out) {
  out.push_back(' ');
  out.append(name);
  out.append("=\"");
  append_number(value, out);
  out.push_back('"');
}

void append_param(std::string_view name, const core::IpAddress& value, std::string& out) {
  if (value.family() == core::IpAddress::Family::none) return;
  out.push_back(' ');
  out.append(name);
  out.append("=\"");
  append_address(value, out);
  out.push_back('"');
}

void append_single_line(std::string_view text, std::string& out) {
  for (char c : text) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
}

// MSGID of a record that is not an alert: its event_type upper-cased, checked like a header field.
void append_event_msgid(std::string_view event_type, std::string& out) {
  if (event_type.empty()) {
    out.push_back('-');
    return;
  }
  const std::size_t length = std::min(event_type.size(), syslog_msgid_max);
  for (std::size_t i = 0; i < length; ++i) {
    const char c = event_type[i];
    if (!is_printable_ascii(c)) {
      out.push_back('_');
    } else {
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
}

}  // namespace

std::optional<SyslogFacility> parse_syslog_facility(std::string_view name) {
  for (const auto& [text, facility] : facility_names) {
    if (text == name) return facility;
  }
  return std::nullopt;
}

std::string_view syslog_facility_name(SyslogFacility facility) {
  for (const auto& [text, value] : facility_names) {
    if (value == facility) return text;
  }
  return "local5";
}

std::optional<SyslogMessageFormat> parse_syslog_message_format(std::string_view name) {
  if (name == "human") return SyslogMessageFormat::human;
  if (name == "eve") return SyslogMessageFormat::eve;
  return std::nullopt;
}

SyslogSeverity syslog_severity(const Record& record) {
  if (record.alert == nullptr) return SyslogSeverity::informational;
  switch (record.alert->severity) {
    case 0:
    case 1:
      return SyslogSeverity::alert;
    case 2:
      return SyslogSeverity::critical;
    case 3:
      return SyslogSeverity::warning;
    default:
      return SyslogSeverity::notice;
  }
}

std::string syslog_header_field(std::string_view text, std::size_t max_length) {
  std::string out(text.substr(0, max_length));
  for (char& c : out) {
    if (!is_printable_ascii(c)) c = '_';
  }
  if (out.empty()) out.push_back('-');
  return out;
}

SyslogFormat make_syslog_format(const SyslogFormatOptions& options) {
  SyslogFormat format;
  format.facility = options.facility;
  format.message = options.message;
  std::string hostname = options.hostname;
  if (hostname.empty()) {
    char buffer[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buffer, sizeof buffer - 1) == 0) hostname = buffer;
  }
  format.hostname = syslog_header_field(hostname, syslog_hostname_max);
  format.app_name = syslog_header_field(options.app_name, syslog_app_name_max);
  format.procid = syslog_header_field(options.procid.empty() ? std::to_string(::getpid()) : options.procid,
                                      syslog_procid_max);
  format.alert_msgid = syslog_header_field(options.alert_msgid, syslog_msgid_max);
  return format;
}

void append_syslog_pri(SyslogFacility facility, SyslogSeverity severity, std::string& out) {
  out.push_back('<');
  append_number(static_cast<unsigned>(facility) * 8u + static_cast<unsigned>(severity), out);
  out.push_back('>');
}

void append_syslog_timestamp(core::Timestamp ts, std::string& out) {
  const auto seconds = static_cast<std::time_t>(ts.seconds);
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr || utc.tm_year < -1900 || utc.tm_year > 9999 - 1900) {
    out.push_back('-');
    return;
  }
  append_digits(static_cast<unsigned>(utc.tm_year + 1900), 4, out);
  out.push_back('-');
  append_digits(static_cast<unsigned>(utc.tm_mon + 1), 2, out);
  out.push_back('-');
  append_digits(static_cast<unsigned>(utc.tm_mday), 2, out);
  out.push_back('T');
  append_digits(static_cast<unsigned>(utc.tm_hour), 2, out);
  out.push_back(':');
  append_digits(static_cast<unsigned>(utc.tm_min), 2, out);
  out.push_back(':');
  // RFC 5424 allows no leap second (60): a capture clock that produced one is clamped.
  append_digits(static_cast<unsigned>(std::min(utc.tm_sec, 59)), 2, out);
  out.push_back('.');
  append_digits(std::min(ts.nanoseconds / 1000u, 999'999u), 6, out);
  out.push_back('Z');
}

void append_sd_param_value(std::string_view value, std::string& out) {
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
}

void append_alert_structured_data(const AlertSummary& alert, std::string& out) {
  out.push_back('[');
  out.append(sd_id);
  append_param("sid", alert.signature_id, out);
  append_param("rev", alert.rev, out);
  append_param("severity", alert.severity, out);
  append_param("src", alert.src_ip, out);
  append_param("sport", alert.src_port, out);
  append_param("dst", alert.dest_ip, out);
  append_param("dport", alert.dest_port, out);
  if (!alert.proto.empty()) append_param("proto", alert.proto, out);
  if (!alert.app_proto.empty()) append_param("app_proto", alert.app_proto, out);
  if (!alert.community_id.empty()) append_param("community_id", alert.community_id, out);
  out.push_back(']');
}

void append_alert_summary(const AlertSummary& alert, std::string& out) {
  out.append("[1:");
  append_number(alert.signature_id, out);
  out.push_back(':');
  append_number(alert.rev, out);
  out.append("] ");
  append_single_line(alert.signature, out);
  if (!alert.category.empty()) {
    out.append(" [Classification: ");
    append_single_line(alert.category, out);
    out.push_back(']');
  }
  out.append(" [Priority: ");
  append_number(alert.severity, out);
  out.append("] {");
  append_single_line(alert.proto, out);
  out.append("} ");
  // Suricata prints IPv6 addresses the same way, without brackets: kept for its log parsers.
  append_address(alert.src_ip, out);
  out.push_back(':');
  append_number(alert.src_port, out);
  out.append(" -> ");
  append_address(alert.dest_ip, out);
  out.push_back(':');
  append_number(alert.dest_port, out);
}

void format_syslog(const SyslogFormat& format, const Record& record, std::string& out) {
  out.clear();
  append_syslog_pri(format.facility, syslog_severity(record), out);
  out.append("1 ");
  append_syslog_timestamp(record.timestamp, out);
  out.push_back(' ');
  out.append(format.hostname);
  out.push_back(' ');
  out.append(format.app_name);
  out.push_back(' ');
  out.append(format.procid);
  out.push_back(' ');
  if (record.alert != nullptr) {
    out.append(format.alert_msgid);
    out.push_back(' ');
    append_alert_structured_data(*record.alert, out);
  } else {
    append_event_msgid(record.event_type, out);
    out.append(" -");
  }
  out.push_back(' ');
  // MSG without a BOM (MSG-ANY): receivers such as rsyslog would otherwise keep the BOM in the text.
  if (record.alert != nullptr && format.message == SyslogMessageFormat::human) {
    append_alert_summary(*record.alert, out);
  } else {
    out.append(record.line);
  }
}

}  // namespace spanwatch::alert
