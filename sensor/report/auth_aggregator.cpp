// Logins per protocol, SMB failure runs (the spans behind burst alerts) and per-flow FTP/POP3
// credentials (the masked secret a cleartext-credentials alert's evidence shows).
#include <algorithm>
#include <cstdlib>

#include "report/aggregator_state.hpp"
#include "report/eve_time.hpp"
#include "report/html_text.hpp"

namespace spanwatch::report {
namespace {

template <typename Map>
void count_capped(Map& map, std::string_view key, std::size_t cap, std::uint64_t& not_tracked) {
  const auto at = map.find(std::string(key));
  if (at != map.end()) ++at->second;
  else if (map.size() < cap) map.emplace(std::string(key), 1);
  else ++not_tracked;
}

std::string counts_text(const std::map<std::string, std::uint64_t>& counts, bool mask, bool lab_mode) {
  std::vector<std::pair<std::string, std::uint64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [name, count] : sorted) {
    if (!out.empty()) out += ", ";
    out += (mask && !lab_mode ? mask_user(name) : name) + " \u00d7" + std::to_string(count);
  }
  return out;
}

}  // namespace

void EveAggregator::State::count_login(std::string_view protocol, std::string_view outcome, std::string_view mechanism,
                                       std::string_view source, std::string_view user) {
  AuthStats& auth = data.auth[std::string(protocol)];
  ++auth.by_outcome_mechanism[{std::string(outcome), std::string(mechanism)}];
  if (outcome != "success") {
    count_capped(auth.failing_sources, source, options.tracked_hosts, auth.sources_not_tracked);
  }
  if (!user.empty()) count_capped(auth.targeted_users, user, options.tracked_hosts, auth.users_not_tracked);
}

FlowCredentials& EveAggregator::State::flow_credentials(std::uint64_t flow_id) {
  const auto at = credentials.find(flow_id);
  if (at != credentials.end()) return at->second;
  if (credentials_order.size() >= options.tracked_flows) {
    credentials.erase(credentials_order.front());
    credentials_order.pop_front();
  }
  credentials_order.push_back(flow_id);
  return credentials[flow_id];
}

void EveAggregator::State::add_smb(const Json& record, const RecordHeader& header) {
  const Json* smb = object_member(record, "smb");
  if (smb == nullptr || string_member(*smb, "command").find("SESSION_SETUP") == std::string_view::npos) return;
  const std::string_view status = string_member(*smb, "status");
  if (status == "STATUS_MORE_PROCESSING_REQUIRED" || status.empty()) return;  // a leg, not an outcome
  std::string mechanism = "other";
  std::string user;
  if (const Json* ntlm = object_member(*smb, "ntlmssp")) {
    mechanism = "NTLMSSP";
    const auto domain = string_member(*ntlm, "domain");
    user = domain.empty() ? std::string(string_member(*ntlm, "user"))
                          : std::string(domain) + "\\" + std::string(string_member(*ntlm, "user"));
    if (string_member(*ntlm, "user").empty()) mechanism = "NTLMSSP anonymous";
  } else if (const Json* krb = object_member(*smb, "kerberos")) {
    mechanism = "Kerberos";
    user = string_member(*krb, "cname");
  }
  const bool success = status == "STATUS_SUCCESS";
  count_login("smb", success ? "success" : "failure", mechanism, header.src_ip, user);
  if (success) return;

  // Follow failure runs per client/server pair; a gap longer than the burst window ends a run.
  const auto key = std::make_pair(std::string(header.src_ip), std::string(header.dest_ip));
  auto at = smb_runs.find(key);
  if (at == smb_runs.end()) {
    if (smb_runs.size() >= options.tracked_pairs) {
      ++smb_pairs_not_tracked;
      return;
    }
    at = smb_runs.emplace(key, SmbFailureRun{}).first;
  }
  SmbFailureRun& run = at->second;
  const auto gap = static_cast<std::int64_t>(options.smb_burst_gap_seconds * 1e6);
  if (run.attempts != 0 && header.time - run.last > gap) {
    close_smb_run(run);
    run = SmbFailureRun{};
  }
  if (run.attempts == 0) run.first = header.time;
  run.last = std::max(run.last, header.time);
  ++run.attempts;
  std::uint64_t ignored = 0;
  count_capped(run.users, user.empty() ? std::string_view("(none)") : std::string_view(user), options.distinct_per_set, ignored);
  count_capped(run.statuses, status, options.distinct_per_set, ignored);
}

void EveAggregator::State::attach_smb_alert(const RecordHeader& header, std::uint32_t sid,
                                            std::optional<std::size_t> evidence, std::optional<std::size_t> mark) {
  const auto at = smb_runs.find({std::string(header.src_ip), std::string(header.dest_ip)});
  if (at == smb_runs.end() || at->second.attempts == 0) return;
  SmbFailureRun& run = at->second;
  if (run.sid != 0) return;  // a second alert in the same run: the run is drawn once, by the first
  run.sid = sid;
  run.evidence_index = evidence;
  run.mark_index = mark;
}

void EveAggregator::State::close_smb_run(SmbFailureRun& run) {
  if (run.sid == 0) return;
  RuleStats& rule = data.rules[run.sid];
  const std::string users = counts_text(run.users, true, options.lab_mode);
  const std::string statuses = counts_text(run.statuses, false, options.lab_mode);
  if (run.mark_index && *run.mark_index < rule.marks.size()) {
    TimelineMark& mark = rule.marks[*run.mark_index];
    mark.time = run.first;
    mark.end = run.last;
    mark.title = format_time(run.first) + " \u2013 " + format_time(run.last).substr(11) + "  " + rule.signature +
                 ": " + std::to_string(run.attempts) + " failed logons (" + users + "; " + statuses + ")";
  }
  if (run.evidence_index && *run.evidence_index < rule.evidence.size()) {
    Fields& fields = rule.evidence[*run.evidence_index].fields;
    fields.insert(fields.begin(), {{"burst", format_time(run.first) + " \u2013 " + format_time(run.last) + " (" +
                                                 format_duration(run.last - run.first) + ")"},
                                   {"attempts in burst", std::to_string(run.attempts)},
                                   {"users tried (count)", users},
                                   {"statuses (count)", statuses}});
  }
}

void EveAggregator::State::add_ftp(const Json& record, const RecordHeader& header) {
  const Json* ftp = object_member(record, "ftp");
  if (ftp == nullptr) return;
  const std::string_view command = string_member(*ftp, "command");
  if (command == "USER") {
    flow_credentials(header.flow_id).user = string_member(*ftp, "command_data");
    return;
  }
  if (command != "PASS") return;
  FlowCredentials& flow = flow_credentials(header.flow_id);
  flow.secret = string_member(*ftp, "command_data");
  const auto codes = ftp->FindMember("completion_code");
  const std::string code = codes == ftp->MemberEnd() ? std::string() : join_strings(&codes->value, ",");
  if (code.starts_with("230")) count_login("ftp", "success", "USER/PASS", header.src_ip, flow.user);
  else if (code.starts_with("5") || code.starts_with("4")) count_login("ftp", "failure", "USER/PASS", header.src_ip, flow.user);
}

void EveAggregator::State::add_pop3(const Json& record, const RecordHeader& header) {
  const Json* pop3 = object_member(record, "pop3");
  const Json* request = pop3 ? object_member(*pop3, "request") : nullptr;
  if (request == nullptr) return;
  const std::string_view command = string_member(*request, "command");
  const auto args_at = request->FindMember("args");
  const Json* args = args_at != request->MemberEnd() && args_at->value.IsArray() ? &args_at->value : nullptr;
  auto arg = [&](rapidjson::SizeType i) -> std::string_view {
    if (args == nullptr || args->Size() <= i || !(*args)[i].IsString()) return {};
    return {(*args)[i].GetString(), (*args)[i].GetStringLength()};
  };
  FlowCredentials& flow = flow_credentials(header.flow_id);
  std::string mechanism;
  if (command == "USER") {
    flow.user = arg(0);
    return;
  } else if (command == "PASS") {
    flow.secret = join_strings(args, " ");
    mechanism = "USER/PASS";
  } else if (command == "APOP") {
    flow.user = arg(0);
    mechanism = "APOP";
  } else if (command == "AUTH" && !arg(0).empty()) {
    mechanism = "AUTH " + std::string(arg(0));
  } else {
    return;
  }
  const Json* response = object_member(*pop3, "response");
  const std::string_view status = response ? string_member(*response, "status") : std::string_view();
  if (status == "+OK") count_login("pop3", "success", mechanism, header.src_ip, flow.user);
  else if (status == "-ERR") count_login("pop3", "failure", mechanism, header.src_ip, flow.user);
}

void EveAggregator::State::finish_auth() {
  for (auto& [pair, run] : smb_runs) close_smb_run(run);
  smb_runs.clear();
  // Cleartext-credential evidence: the masked secret from the flow's PASS record (either order);
  // TLS evidence: a cipher's name and key exchange an alert later in the file taught.
  for (auto& [sid, rule] : data.rules) {
    for (Evidence& evidence : rule.evidence) {
      std::string learned_kex;
      for (auto& [label, value] : evidence.fields) {
        if (label == "cipher" && value.size() == 6 && value.starts_with("0x")) {
          const auto known = data.ciphers.find(static_cast<std::uint32_t>(std::strtoul(value.c_str(), nullptr, 16)));
          if (known != data.ciphers.end() && !known->second.name.empty()) {
            value += " " + known->second.name;
            if (known->second.rsa_kex) learned_kex = "RSA (no forward secrecy)";
          }
        }
        if (label == "key exchange" && value == "unknown" && !learned_kex.empty()) value = learned_kex;
        if (label != "secret (masked)" || !value.empty()) continue;
        const auto at = credentials.find(evidence.flow_id);
        value = at != credentials.end() && !at->second.secret.empty() ? at->second.secret : "(not in eve.json)";
      }
    }
  }
}

}  // namespace spanwatch::report
