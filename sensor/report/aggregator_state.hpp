#pragma once
// EveAggregator's insides, shared by eve_aggregator.cpp (records, alerts, TLS, stats) and
// auth_aggregator.cpp (logins, SMB failure runs, per-flow FTP/POP3 state). Private to the library.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <rapidjson/document.h>

#include "report/eve_aggregator.hpp"

namespace spanwatch::report {

using Json = rapidjson::Value;

std::string_view string_member(const Json& object, const char* name);
const Json* object_member(const Json& object, const char* name);
std::string endpoint(std::string_view ip, std::uint64_t port);
std::string join_strings(const Json* array_or_string, std::string_view separator = ", ");

// What a record's header says.
struct RecordHeader {
  std::int64_t time = 0;
  std::uint64_t flow_id = 0;
  std::string_view src_ip, dest_ip;
  std::uint64_t src_port = 0, dest_port = 0;
};

// A run of SMB authentication failures between one client and one server; alerted runs become
// timeline spans and burst evidence.
struct SmbFailureRun {
  std::int64_t first = 0, last = 0;
  std::uint64_t attempts = 0;
  std::map<std::string, std::uint64_t> users, statuses;  // capped at distinct_per_set entries each
  std::optional<std::size_t> evidence_index;  // in rule 9100001-like rule's evidence
  std::optional<std::size_t> mark_index;
  std::uint32_t sid = 0;  // the alert's rule, 0: not alerted
};

// Per flow: the FTP/POP3 user and masked secret seen last (for logins and cleartext evidence).
struct FlowCredentials {
  std::string user;
  std::string secret;
};

struct EveAggregator::State {
  ReportOptions options;
  ReportData data;
  // One line's values live in parse_buffer (larger lines spill into chunks freed at the next line).
  std::vector<char> parse_buffer = std::vector<char>(256 * 1024);
  rapidjson::MemoryPoolAllocator<> parse_pool{parse_buffer.data(), parse_buffer.size()};
  rapidjson::Document document{&parse_pool};
  std::string file_key;
  std::size_t file_count = 0;

  std::unordered_map<std::uint64_t, FlowCredentials> credentials;  // bounded by tracked_flows
  std::deque<std::uint64_t> credentials_order;
  std::unordered_set<std::uint64_t> recent_flows;  // bounded by tracked_flows, FIFO
  std::deque<std::uint64_t> recent_flows_order;
  std::map<std::pair<std::string, std::string>, SmbFailureRun> smb_runs;
  std::uint64_t smb_pairs_not_tracked = 0;

  void add_alert(const Json& record, const RecordHeader& header);
  void add_tls(const Json& record, const RecordHeader& header);
  void add_stats(const Json& record);
  void count_flow(const RecordHeader& header);

  void add_smb(const Json& record, const RecordHeader& header);
  void add_ftp(const Json& record, const RecordHeader& header);
  void add_pop3(const Json& record, const RecordHeader& header);
  void count_login(std::string_view protocol, std::string_view outcome, std::string_view mechanism,
                   std::string_view source, std::string_view user);
  FlowCredentials& flow_credentials(std::uint64_t flow_id);
  // An SMB burst alert: tie it to the pair's open failure run.
  void attach_smb_alert(const RecordHeader& header, std::uint32_t sid, std::optional<std::size_t> evidence,
                        std::optional<std::size_t> mark);
  void close_smb_run(SmbFailureRun& run);
  void finish_auth();
};

}  // namespace spanwatch::report
