// EveAggregator on hand-built EVE lines: counts, first/last, capped distinct sets and evidence,
// skipped lines, SMB burst spans, masking, stats summed per sensor, credentials joined by flow.
#include <catch2/catch.hpp>

#include "report/eve_aggregator.hpp"
#include "report/eve_time.hpp"
#include "eve_lines.hpp"

using namespace spanwatch::report;
using namespace spanwatch::report::test;

namespace {

ReportData aggregate(const std::vector<std::string>& lines, ReportOptions options = {}) {
  EveAggregator aggregator(options);
  aggregator.begin_file("eve.json");
  for (const auto& line : lines) aggregator.add_line(line + "\n");
  return aggregator.finish();
}

std::string field(const Evidence& e, const std::string& label) {
  for (const auto& [l, v] : e.fields)
    if (l == label) return v;
  return "(absent)";
}

}  // namespace

TEST_CASE("alerts are counted per rule and severity with first and last seen") {
  const auto d = aggregate({alert("09:00:05.000000", 1, "10.0.0.1", "10.0.0.9", 21, 7, 2, R"("user":["bob"])", "ftp"),
                            alert("09:00:01.500000", 2, "10.0.0.2", "10.0.0.9", 21, 7, 2, R"("user":["bob"])", "ftp"),
                            alert("09:00:09.250000", 3, "10.0.0.1", "10.0.0.9", 21, 7, 2, R"("user":["bob"])", "ftp"),
                            alert("09:00:03.000000", 4, "10.0.0.3", "10.0.0.8", 443, 8, 1, R"("x":["y"])", "tls")});
  REQUIRE(d.alerts == 4);
  REQUIRE(d.rules.size() == 2);
  const RuleStats& rule = d.rules.at(7);
  CHECK(rule.count == 3);
  CHECK(format_time(rule.first) == "2024-03-01 09:00:01.500");
  CHECK(format_time(rule.last) == "2024-03-01 09:00:09.250");
  CHECK(rule.sources.size() == 2);
  CHECK(rule.targets.size() == 1);
  CHECK(d.alerts_by_severity.at(2) == 3);
  CHECK(d.alerts_by_severity.at(1) == 1);
  CHECK(format_time(d.first) == "2024-03-01 09:00:01.500");
  CHECK(format_time(d.last) == "2024-03-01 09:00:09.250");
}

TEST_CASE("distinct sources beyond the cap are counted as more, each once") {
  ReportOptions options;
  options.distinct_per_set = 2;
  std::vector<std::string> lines;
  for (const char* src : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.3", "10.0.0.5", "10.0.0.1"})
    lines.push_back(alert("09:00:01.000000", 1, src, "10.0.0.9", 21, 7, 2, R"("user":["bob"])", "ftp"));
  const auto d = aggregate(lines, options);
  const CappedSet& sources = d.rules.at(7).sources;
  CHECK(sources.kept() == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(sources.more() == 3);
  CHECK(sources.size() == 5);
  CHECK_FALSE(sources.saturated());
}

TEST_CASE("evidence stops at the configured number of rows and counts the rest") {
  ReportOptions options;
  options.evidence_per_rule = 3;
  std::vector<std::string> lines;
  for (int i = 0; i < 10; ++i)
    lines.push_back(alert("09:00:0" + std::to_string(i) + ".000000", static_cast<std::uint64_t>(i + 1), "10.0.0.1",
                          "10.0.0.9", 21, 7, 2, R"("user":["bob"])", "ftp"));
  const auto d = aggregate(lines, options);
  CHECK(d.rules.at(7).count == 10);
  CHECK(d.rules.at(7).evidence.size() == 3);
  CHECK(d.rules.at(7).evidence_not_kept == 7);
  CHECK(d.rules.at(7).marks.size() == 10);  // the timeline has its own, larger cap
}

TEST_CASE("lines that are not JSON or not EVE are counted and skipped") {
  const auto d = aggregate({"not json at all", "[1,2,3]", R"({"event_type":"alert"})", R"({"timestamp":"yesterday","event_type":"x"})",
                            R"({"timestamp":"2024-03-01T09:00:00.000000+0000","event_type":"dns"})", "{\"truncated\": "});
  CHECK(d.lines == 6);
  CHECK(d.bad_json == 3);
  CHECK(d.not_eve == 2);
  CHECK(d.event_types.at("dns") == 1);
}

TEST_CASE("an SMB burst alert becomes a span from the run's first to its last failed attempt") {
  std::vector<std::string> lines;
  for (int i = 0; i < 6; ++i) {
    lines.push_back(smb_setup("09:00:0" + std::to_string(i) + ".000000", 100 + static_cast<std::uint64_t>(i), "10.0.0.7",
                              i == 5 ? "bob" : "alice", i == 5 ? "STATUS_NO_SUCH_USER" : "STATUS_LOGON_FAILURE"));
    if (i == 4)
      lines.push_back(alert("09:00:04.000000", 104, "10.0.0.7", "10.0.0.10", 445, 9100001, 2,
                            R"("failures":["5"],"users":["alice"],"last_status":["STATUS_LOGON_FAILURE"])", "smb"));
  }
  lines.push_back(smb_setup("09:00:07.000000", 200, "10.0.0.7", "alice", "STATUS_SUCCESS"));
  const auto d = aggregate(lines);
  const RuleStats& rule = d.rules.at(9100001);
  REQUIRE(rule.marks.size() == 1);
  CHECK(format_time(rule.marks[0].time) == "2024-03-01 09:00:00.000");
  CHECK(format_time(rule.marks[0].end) == "2024-03-01 09:00:05.000");
  REQUIRE(rule.evidence.size() == 1);
  CHECK(field(rule.evidence[0], "attempts in burst") == "6");
  CHECK(field(rule.evidence[0], "users tried (count)") == "CORP\\a*** \u00d75, CORP\\b*** \u00d71");
  CHECK(field(rule.evidence[0], "statuses (count)") == "STATUS_LOGON_FAILURE \u00d75, STATUS_NO_SUCH_USER \u00d71");
  const AuthStats& smb = d.auth.at("smb");
  CHECK(smb.by_outcome_mechanism.at({"failure", "NTLMSSP"}) == 6);
  CHECK(smb.by_outcome_mechanism.at({"success", "NTLMSSP"}) == 1);
  CHECK(smb.failing_sources.at("10.0.0.7") == 6);
}

TEST_CASE("failures further apart than the burst window start a new run") {
  std::vector<std::string> lines = {smb_setup("09:00:00.000000", 1, "10.0.0.7", "alice", "STATUS_LOGON_FAILURE"),
                                    smb_setup("09:05:00.000000", 2, "10.0.0.7", "alice", "STATUS_LOGON_FAILURE"),
                                    alert("09:05:00.000000", 2, "10.0.0.7", "10.0.0.10", 445, 9100001, 2,
                                          R"("failures":["5"],"users":["alice"])", "smb"),
                                    smb_setup("09:05:02.000000", 3, "10.0.0.7", "alice", "STATUS_LOGON_FAILURE")};
  const auto d = aggregate(lines);
  const TimelineMark& mark = d.rules.at(9100001).marks.at(0);
  CHECK(format_time(mark.time) == "2024-03-01 09:05:00.000");
  CHECK(format_time(mark.end) == "2024-03-01 09:05:02.000");
}

TEST_CASE("user names are masked unless the report is in lab mode") {
  const std::vector<std::string> lines = {
      alert("09:00:01.000000", 5, "10.0.0.1", "10.0.0.9", 110, 9100004, 2, R"("user":["carol"],"mechanism":["USER/PASS"])", "pop3")};
  const auto masked = aggregate(lines);
  CHECK(field(masked.rules.at(9100004).evidence.at(0), "user") == "c***");
  ReportOptions lab;
  lab.lab_mode = true;
  CHECK(field(aggregate(lines, lab).rules.at(9100004).evidence.at(0), "user") == "carol");
}

TEST_CASE("cleartext-credential evidence takes the masked secret from the flow's PASS record, in either order") {
  const std::string user = header("ftp", "09:00:00.100000", 42, "10.0.0.1", 5000, "10.0.0.9", 21) +
                           R"(,"ftp":{"command":"USER","command_data":"bob","completion_code":["331"]}})";
  const std::string pass = header("ftp", "09:00:00.200000", 42, "10.0.0.1", 5000, "10.0.0.9", 21) +
                           R"(,"ftp":{"command":"PASS","command_data":"len=6 hmac=0badc0de","completion_code":["230"]}})";
  const std::string raised = alert("09:00:00.200000", 42, "10.0.0.1", "10.0.0.9", 21, 9100003, 2, R"("user":["bob"])", "ftp");
  for (const auto& lines : {std::vector<std::string>{user, pass, raised}, std::vector<std::string>{user, raised, pass}}) {
    const auto d = aggregate(lines);
    CHECK(field(d.rules.at(9100003).evidence.at(0), "secret (masked)") == "len=6 hmac=0badc0de");
    CHECK(d.auth.at("ftp").by_outcome_mechanism.at({"success", "USER/PASS"}) == 1);
    CHECK(d.auth.at("ftp").targeted_users.at("bob") == 1);
  }
}

TEST_CASE("the last stats record of each sensor counts; sensors are told apart by host") {
  const auto d = aggregate({stats("09:00:01.000000", "a", 100, 10, 1), stats("09:00:02.000000", "a", 250, 20, 3),
                            stats("09:00:02.000000", "b", 40, 4, 0)});
  REQUIRE(d.sensors.size() == 2);
  CHECK(d.sensors.at("a").packets == 250);
  CHECK(d.sensors.at("a").kernel_drops == 3);
  CHECK(d.sensors.at("b").flows == 4);
  CHECK(d.hosts.size() == 2);
}

TEST_CASE("TLS records are grouped per server and SNI, cipher names learned from alerts") {
  const std::string tls = header("tls", "09:00:00.000000", 9, "10.0.0.1", 5000, "10.0.0.9", 443) +
                          R"(,"tls":{"sni":"a.test","version":"TLSv1","server_handshake":{"version":"TLSv1","cipher":47}}})";
  const std::string unanswered = header("tls", "09:00:01.000000", 10, "10.0.0.2", 5000, "10.0.0.9", 443) +
                                 R"(,"tls":{"sni":"a.test","version":"UNDETERMINED"}})";
  const std::string rsa = alert("09:00:00.000000", 9, "10.0.0.1", "10.0.0.9", 443, 9100007, 3,
                                R"("cipher_suite":["0x002f"],"cipher_name":["TLS_RSA_WITH_AES_128_CBC_SHA"])", "tls");
  const auto d = aggregate({tls, unanswered, rsa});
  const TlsServer& server = d.tls_servers.at("10.0.0.9:443|a.test");
  CHECK(server.handshakes == 2);
  CHECK(server.unanswered == 1);
  CHECK(server.versions.at("TLSv1") == 1);
  CHECK(server.ciphers.at(47) == 1);
  CHECK(d.ciphers.at(47).rsa_kex);
  CHECK(d.ciphers.at(47).name == "TLS_RSA_WITH_AES_128_CBC_SHA");
}

TEST_CASE("EVE timestamps parse with offsets and round-trip to the millisecond") {
  CHECK(parse_eve_time("2024-03-01T09:00:00.001348+0000") == 1709283600001348);
  CHECK(parse_eve_time("2024-03-01T10:00:00.000000+0100") == 1709283600000000);
  CHECK_FALSE(parse_eve_time("2024-13-01T09:00:00"));
  CHECK_FALSE(parse_eve_time("09:00"));
  CHECK(format_time(1709283600001348) == "2024-03-01 09:00:00.001");
}

TEST_CASE("TLS evidence names a cipher that an alert later in the file named") {
  const std::string extra = R"(,"tls":{"sni":"a.test","version":"TLSv1","server_handshake":{"version":"TLSv1","cipher":47}})";
  const auto d = aggregate({alert("09:00:00.000000", 9, "10.0.0.1", "10.0.0.9", 443, 9100006, 2,
                                  R"("negotiated_version":["TLS 1.0"])", "tls", extra),
                            alert("09:00:00.000000", 9, "10.0.0.1", "10.0.0.9", 443, 9100007, 3,
                                  R"("cipher_suite":["0x002f"],"cipher_name":["TLS_RSA_WITH_AES_128_CBC_SHA"])", "tls", extra)});
  const Evidence& legacy = d.rules.at(9100006).evidence.at(0);
  CHECK(field(legacy, "cipher") == "0x002f TLS_RSA_WITH_AES_128_CBC_SHA");
  CHECK(field(legacy, "key exchange") == "RSA (no forward secrecy)");
  CHECK(field(legacy, "negotiated") == "TLSv1");
}
