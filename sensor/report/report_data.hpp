#pragma once
// What one streaming pass over eve.json leaves behind: aggregates, capped sets and capped evidence.
// Plain data; EveAggregator fills it, render_html reads it.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "report/capped_set.hpp"

namespace spanwatch::report {

using Fields = std::vector<std::pair<std::string, std::string>>;  // label -> value, in display order

// One alert kept as evidence (at most ReportOptions::evidence_per_rule per rule).
struct Evidence {
  std::int64_t time = 0;  // µs since the epoch
  std::uint64_t flow_id = 0;
  std::string source;  // ip:port
  std::string target;
  Fields fields;  // rule-specific: users tried, announced vs real address, cipher, ...
};

// A mark on a rule's lane; `end` > `time` draws a span (SMB failure bursts).
struct TimelineMark {
  std::int64_t time = 0;
  std::int64_t end = 0;
  std::string title;  // the one-line summary shown on hover
};

struct RuleStats {
  std::uint32_t sid = 0;
  std::uint32_t rev = 0;
  std::string signature;
  std::string category;
  int severity = 0;
  std::uint64_t count = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
  CappedSet sources;
  CappedSet targets;
  std::vector<Evidence> evidence;
  std::uint64_t evidence_not_kept = 0;
  std::vector<TimelineMark> marks;
  std::uint64_t marks_not_kept = 0;
};

// The last stats record of one sensor (`host`, or the input file when records carry no host).
struct SensorStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t flows = 0;
  std::uint64_t kernel_drops = 0;
  std::uint64_t other_drops = 0;  // stream/segment memcap drops the sensor counted itself
  bool seen = false;
};

// TLS posture: one row per server ip:port + SNI.
struct TlsServer {
  std::map<std::string, std::uint64_t> versions;  // negotiated version -> handshakes
  std::map<std::uint32_t, std::uint64_t> ciphers; // negotiated cipher suite -> handshakes
  std::uint64_t handshakes = 0;
  std::uint64_t unanswered = 0;  // no ServerHello seen
};

struct CipherInfo {
  std::string name;     // from an alert's cipher_name, when one carried it
  bool rsa_kex = false; // an RSA-key-exchange alert (9100007's cipher_suite) named it
};

// Logins per protocol (smb, ftp, pop3).
struct AuthStats {
  std::map<std::pair<std::string, std::string>, std::uint64_t> by_outcome_mechanism;  // (outcome, mechanism)
  std::map<std::string, std::uint64_t> failing_sources;  // capped by ReportOptions::tracked_hosts
  std::map<std::string, std::uint64_t> targeted_users;   // user names as seen; masked when rendered
  std::uint64_t sources_not_tracked = 0;
  std::uint64_t users_not_tracked = 0;
};

struct HostStats {
  std::uint64_t alerts = 0;
  std::uint64_t flows = 0;
};

struct ReportData {
  std::uint64_t lines = 0;
  std::uint64_t bad_json = 0;      // not a JSON object
  std::uint64_t not_eve = 0;       // JSON, but no event_type/timestamp
  std::uint64_t by_event_type_other = 0;
  std::map<std::string, std::uint64_t> event_types;
  std::int64_t first = 0, last = 0;  // capture span over every record
  bool have_time = false;
  std::map<std::string, SensorStats> sensors;  // key: host, or "file N" without one
  CappedSet hosts{20, 1000};                   // sensor names (`host`)
  CappedSet files{20, 1000};                   // pcap_filename values
  std::map<int, std::uint64_t> alerts_by_severity;
  std::uint64_t alerts = 0;
  std::map<std::uint32_t, RuleStats> rules;
  std::map<std::string, TlsServer> tls_servers;  // "ip:port|sni"
  std::uint64_t tls_servers_not_tracked = 0;
  std::map<std::uint32_t, CipherInfo> ciphers;
  std::map<std::string, AuthStats> auth;  // protocol -> logins
  std::map<std::string, HostStats> hosts_seen;
  std::uint64_t hosts_not_tracked = 0;
  std::uint64_t flows_seen = 0;  // distinct flow ids (exact while under tracked_flows in flight)
};

}  // namespace spanwatch::report
