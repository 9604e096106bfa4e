#include <catch2/catch.hpp>

#include <string>

#include "alert/syslog_format.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch::alert;
using spanwatch::alert::testing::ip;
using spanwatch::core::Timestamp;

namespace {

constexpr std::string_view sd_smb =
    "[spanwatch@32473 sid=\"9100001\" rev=\"1\" severity=\"1\" src=\"10.0.0.1\" sport=\"1234\" dst=\"10.0.0.2\" "
    "dport=\"445\" proto=\"TCP\" app_proto=\"smb\" community_id=\"1:wCb3OG7yAFWelaUydu0D+125CLM=\"]";

AlertSummary smb_alert() {
  AlertSummary alert;
  alert.signature_id = 9100001;
  alert.rev = 1;
  alert.severity = 1;
  alert.signature = "SMB logon failure burst";
  alert.category = "Attempted User Privilege Gain";
  alert.app_proto = "smb";
  alert.proto = "TCP";
  alert.src_ip = ip("10.0.0.1");
  alert.dest_ip = ip("10.0.0.2");
  alert.src_port = 1234;
  alert.dest_port = 445;
  alert.community_id = "1:wCb3OG7yAFWelaUydu0D+125CLM=";
  return alert;
}

SyslogFormat fixed_format(SyslogMessageFormat message = SyslogMessageFormat::human) {
  SyslogFormatOptions options;
  options.hostname = "sensor1";
  options.procid = "4242";
  options.message = message;
  return make_syslog_format(options);
}

const Timestamp capture_time{1476605590, 446897123};  // 2016-10-16T08:13:10.446897123Z

std::string timestamp_text(Timestamp ts) {
  std::string out;
  append_syslog_timestamp(ts, out);
  return out;
}

}  // namespace

TEST_CASE("an alert becomes an RFC 5424 message with structured data and Suricata's one-line summary") {
  const AlertSummary alert = smb_alert();
  const Record record{"alert", capture_time, R"({"event_type":"alert"})", &alert};
  std::string out;
  format_syslog(fixed_format(), record, out);
  CHECK(out == std::string("<169>1 2016-10-16T08:13:10.446897Z sensor1 spanwatch 4242 ALERT ") + std::string(sd_smb) +
                   " [1:9100001:1] SMB logon failure burst [Classification: Attempted User Privilege Gain] "
                   "[Priority: 1] {TCP} 10.0.0.1:1234 -> 10.0.0.2:445");
}

TEST_CASE("the eve message format carries the EVE line as MSG after the same header and structured data") {
  const AlertSummary alert = smb_alert();
  const Record record{"alert", capture_time, R"({"event_type":"alert","alert":{"signature_id":9100001}})", &alert};
  std::string out;
  format_syslog(fixed_format(SyslogMessageFormat::eve), record, out);
  CHECK(out == std::string("<169>1 2016-10-16T08:13:10.446897Z sensor1 spanwatch 4242 ALERT ") + std::string(sd_smb) +
                   R"( {"event_type":"alert","alert":{"signature_id":9100001}})");
}

TEST_CASE("a record that is not an alert is informational with its event type as MSGID and no SD and its EVE line as MSG") {
  const Record record{"smb", capture_time, R"({"event_type":"smb"})", nullptr};
  std::string out;
  format_syslog(fixed_format(), record, out);
  CHECK(out == R"(<174>1 2016-10-16T08:13:10.446897Z sensor1 spanwatch 4242 SMB - {"event_type":"smb"})");

  const Record odd{"tls handshake\x01", capture_time, "{}", nullptr};
  format_syslog(fixed_format(), odd, out);
  CHECK(out == "<174>1 2016-10-16T08:13:10.446897Z sensor1 spanwatch 4242 TLS_HANDSHAKE_ - {}");

  const Record long_type{"abcdefghijklmnopqrstuvwxyz0123456789", capture_time, "{}", nullptr};
  format_syslog(fixed_format(), long_type, out);
  CHECK(out == "<174>1 2016-10-16T08:13:10.446897Z sensor1 spanwatch 4242 ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 - {}");
}

TEST_CASE("alert severities map to syslog alert then critical then warning then notice and PRI is facility times 8 plus severity") {
  AlertSummary alert = smb_alert();
  const Record record{"alert", capture_time, "{}", &alert};
  const auto severity_for = [&](std::uint8_t eve) {
    alert.severity = eve;
    return syslog_severity(record);
  };
  CHECK(severity_for(0) == SyslogSeverity::alert);
  CHECK(severity_for(1) == SyslogSeverity::alert);
  CHECK(severity_for(2) == SyslogSeverity::critical);
  CHECK(severity_for(3) == SyslogSeverity::warning);
  CHECK(severity_for(4) == SyslogSeverity::notice);
  CHECK(severity_for(255) == SyslogSeverity::notice);
  CHECK(syslog_severity(Record{"stats", capture_time, "{}", nullptr}) == SyslogSeverity::informational);

  std::string pri;
  append_syslog_pri(SyslogFacility::kern, SyslogSeverity::emergency, pri);
  append_syslog_pri(SyslogFacility::kern, SyslogSeverity::alert, pri);
  append_syslog_pri(SyslogFacility::local0, SyslogSeverity::warning, pri);
  append_syslog_pri(SyslogFacility::local7, SyslogSeverity::debug, pri);
  CHECK(pri == "<0><1><132><191>");
}

TEST_CASE("facility and message format names parse as syslog.conf spells them") {
  CHECK(parse_syslog_facility("local5") == SyslogFacility::local5);
  CHECK(parse_syslog_facility("authpriv") == SyslogFacility::authpriv);
  CHECK(parse_syslog_facility("kern") == SyslogFacility::kern);
  CHECK_FALSE(parse_syslog_facility("local8").has_value());
  CHECK_FALSE(parse_syslog_facility("LOCAL5").has_value());
  CHECK(syslog_facility_name(SyslogFacility::local3) == "local3");
  CHECK(parse_syslog_message_format("eve") == SyslogMessageFormat::eve);
  CHECK(parse_syslog_message_format("human") == SyslogMessageFormat::human);
  CHECK_FALSE(parse_syslog_message_format("json").has_value());
}

TEST_CASE("timestamps are RFC 3339 UTC with truncated microseconds and NILVALUE outside four-digit years") {
  CHECK(timestamp_text(capture_time) == "2016-10-16T08:13:10.446897Z");
  CHECK(timestamp_text({0, 0}) == "1970-01-01T00:00:00.000000Z");
  CHECK(timestamp_text({1704067199, 999999999}) == "2023-12-31T23:59:59.999999Z");
  CHECK(timestamp_text({-1, 500000}) == "1969-12-31T23:59:59.000500Z");
  CHECK(timestamp_text({253402300800, 0}) == "-");  // 10000-01-01
}

TEST_CASE("structured data values escape quote and backslash and closing bracket and nothing else") {
  std::string out;
  append_sd_param_value(R"(a"b\c]d[e=f'g)", out);
  CHECK(out == R"(a\"b\\c\]d[e=f'g)");

  AlertSummary alert = smb_alert();
  alert.app_proto = "sm\"b]";
  alert.community_id = {};
  out.clear();
  append_alert_structured_data(alert, out);
  CHECK(out ==
        R"([spanwatch@32473 sid="9100001" rev="1" severity="1" src="10.0.0.1" sport="1234" dst="10.0.0.2" dport="445" proto="TCP" app_proto="sm\"b\]"])");
}

TEST_CASE("structured data and the summary leave out what the alert does not have and print IPv6 as Suricata does") {
  AlertSummary alert = smb_alert();
  alert.app_proto = {};
  alert.community_id = {};
  alert.category = {};
  alert.severity = 2;
  alert.src_ip = ip("2001:db8::1");
  alert.dest_ip = ip("2001:db8::2");
  std::string out;
  append_alert_structured_data(alert, out);
  CHECK(out == R"([spanwatch@32473 sid="9100001" rev="1" severity="2" src="2001:db8::1" sport="1234" dst="2001:db8::2" dport="445" proto="TCP"])");
  out.clear();
  append_alert_summary(alert, out);
  CHECK(out == "[1:9100001:1] SMB logon failure burst [Priority: 2] {TCP} 2001:db8::1:1234 -> 2001:db8::2:445");
}

TEST_CASE("control characters in a signature become spaces so a message stays one line") {
  AlertSummary alert = smb_alert();
  alert.signature = "two\nlines\tand\x7f";
  alert.category = "cat\r";
  std::string out;
  append_alert_summary(alert, out);
  CHECK(out == "[1:9100001:1] two lines and  [Classification: cat ] [Priority: 1] {TCP} 10.0.0.1:1234 -> 10.0.0.2:445");
}

TEST_CASE("header fields keep printable US-ASCII within RFC 5424 limits and are NILVALUE when empty") {
  CHECK(syslog_header_field("my host\x01\xc3\xa9", 255) == "my_host___");
  CHECK(syslog_header_field("", 48) == "-");
  CHECK(syslog_header_field(std::string(300, 'h'), syslog_hostname_max) == std::string(255, 'h'));

  SyslogFormatOptions options;
  options.hostname = std::string(300, 'h');
  options.app_name = std::string(60, 'a');
  options.procid = std::string(200, '7');
  options.alert_msgid = "ALERT WITH A VERY LONG MESSAGE ID THAT GOES ON";
  const SyslogFormat format = make_syslog_format(options);
  CHECK(format.hostname.size() == 255);
  CHECK(format.app_name == std::string(48, 'a'));
  CHECK(format.procid == std::string(128, '7'));
  CHECK(format.alert_msgid == "ALERT_WITH_A_VERY_LONG_MESSAGE_I");
}

TEST_CASE("defaults are the host name and app spanwatch and this process id and facility local5") {
  const SyslogFormat format = make_syslog_format({});
  CHECK(format.hostname != "-");
  CHECK(format.hostname.find(' ') == std::string::npos);
  CHECK(format.app_name == "spanwatch");
  CHECK(format.procid == std::to_string(::getpid()));
  CHECK(format.alert_msgid == "ALERT");
  CHECK(format.facility == SyslogFacility::local5);
}

TEST_CASE("the caller's string is reused: a second message of the same size keeps its buffer") {
  const AlertSummary alert = smb_alert();
  const Record record{"alert", capture_time, "{}", &alert};
  const SyslogFormat format = fixed_format();
  std::string out;
  format_syslog(format, record, out);
  const std::string first = out;
  const char* buffer = out.data();
  const std::size_t capacity = out.capacity();
  format_syslog(format, record, out);
  CHECK(out == first);
  CHECK(out.data() == buffer);
  CHECK(out.capacity() == capacity);
}
