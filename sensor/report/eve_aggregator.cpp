#include "report/eve_aggregator.hpp"

#include <algorithm>
#include <cstdio>

#include "report/aggregator_state.hpp"
#include "report/eve_time.hpp"
#include "report/html_text.hpp"

namespace spanwatch::report {

std::string_view string_member(const Json& object, const char* name) {
  const auto at = object.FindMember(name);
  if (at == object.MemberEnd() || !at->value.IsString()) return {};
  return {at->value.GetString(), at->value.GetStringLength()};
}

const Json* object_member(const Json& object, const char* name) {
  const auto at = object.FindMember(name);
  return at != object.MemberEnd() && at->value.IsObject() ? &at->value : nullptr;
}

std::string endpoint(std::string_view ip, std::uint64_t port) {
  std::string out;
  const bool v6 = ip.find(':') != std::string_view::npos;
  if (v6) out += '[';
  out += ip;
  if (v6) out += ']';
  if (port != 0) out += ':' + std::to_string(port);
  return out;
}

std::string join_strings(const Json* value, std::string_view separator) {
  if (value == nullptr) return {};
  if (value->IsString()) return {value->GetString(), value->GetStringLength()};
  std::string out;
  if (!value->IsArray()) return out;
  for (const Json& item : value->GetArray()) {
    if (!out.empty()) out += separator;
    if (item.IsString()) out.append(item.GetString(), item.GetStringLength());
    else if (item.IsUint64()) out += std::to_string(item.GetUint64());
  }
  return out;
}

namespace {

std::uint64_t uint_member(const Json& object, const char* name) {
  const auto at = object.FindMember(name);
  return at != object.MemberEnd() && at->value.IsUint64() ? at->value.GetUint64() : 0;
}

// stats.a.b.c, 0 when absent.
std::uint64_t stats_value(const Json& stats, std::initializer_list<const char*> path) {
  const Json* at = &stats;
  for (const char* key : path) {
    const auto member = at->FindMember(key);
    if (member == at->MemberEnd()) return 0;
    at = &member->value;
  }
  return at->IsUint64() ? at->GetUint64() : 0;
}

std::string metadata_text(const Json* metadata, const char* key) {
  if (metadata == nullptr) return {};
  const auto at = metadata->FindMember(key);
  return at == metadata->MemberEnd() ? std::string() : join_strings(&at->value);
}

std::string cipher_hex(std::uint32_t suite) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", suite & 0xffffu);
  return text;
}

// The key-exchange class a cipher suite's IANA name states; TLS 1.3 suites (0x13xx) always use (EC)DHE.
std::string kex_class(std::uint32_t suite, std::string_view name) {
  if ((suite >> 8) == 0x13) return "(EC)DHE, TLS 1.3";
  if (name.empty()) return "unknown";
  if (name.find("_ECDHE_") != std::string_view::npos) return "ECDHE";
  if (name.find("_DHE_") != std::string_view::npos) return "DHE";
  if (name.starts_with("TLS_RSA_") || name.starts_with("SSL_RSA_")) return "RSA (no forward secrecy)";
  return "other";
}

}  // namespace

EveAggregator::EveAggregator(ReportOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->data.hosts = CappedSet(20, 1000);
}

EveAggregator::~EveAggregator() = default;

const ReportOptions& EveAggregator::options() const { return state_->options; }

void EveAggregator::begin_file(std::string_view name) {
  state_->file_key = "file " + std::to_string(++state_->file_count) + " (" + std::string(name) + ")";
}

void EveAggregator::add_line(std::string_view line) {
  State& s = *state_;
  ReportData& d = s.data;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return;
  ++d.lines;
  // A reused Document keeps every line's values in its pool: release them first, or memory grows
  // with the input.
  s.document.SetNull();
  s.document.GetAllocator().Clear();
  s.document.Parse(line.data(), line.size());
  if (s.document.HasParseError() || !s.document.IsObject()) {
    ++d.bad_json;
    return;
  }
  const Json& record = s.document;
  const std::string_view event_type = string_member(record, "event_type");
  const auto time = parse_eve_time(string_member(record, "timestamp"));
  if (event_type.empty() || !time) {
    ++d.not_eve;
    return;
  }
  ++d.event_types[std::string(event_type)];
  if (!d.have_time || *time < d.first) d.first = *time;
  if (!d.have_time || *time > d.last) d.last = *time;
  d.have_time = true;
  if (const auto host = string_member(record, "host"); !host.empty()) d.hosts.insert(host);
  if (const auto file = string_member(record, "pcap_filename"); !file.empty()) d.files.insert(file);

  RecordHeader header;
  header.time = *time;
  header.flow_id = uint_member(record, "flow_id");
  header.src_ip = string_member(record, "src_ip");
  header.dest_ip = string_member(record, "dest_ip");
  header.src_port = uint_member(record, "src_port");
  header.dest_port = uint_member(record, "dest_port");
  s.count_flow(header);

  if (event_type == "alert") s.add_alert(record, header);
  else if (event_type == "tls") s.add_tls(record, header);
  else if (event_type == "stats") s.add_stats(record);
  else if (event_type == "smb") s.add_smb(record, header);
  else if (event_type == "ftp") s.add_ftp(record, header);
  else if (event_type == "pop3") s.add_pop3(record, header);
}

ReportData EveAggregator::finish() {
  state_->finish_auth();
  return std::move(state_->data);
}

void EveAggregator::State::count_flow(const RecordHeader& header) {
  if (header.flow_id == 0 || header.src_ip.empty()) return;
  if (recent_flows.contains(header.flow_id)) return;
  if (recent_flows_order.size() >= options.tracked_flows) {
    recent_flows.erase(recent_flows_order.front());
    recent_flows_order.pop_front();
  }
  recent_flows.insert(header.flow_id);
  recent_flows_order.push_back(header.flow_id);
  ++data.flows_seen;
  for (const std::string_view ip : {header.src_ip, header.dest_ip}) {
    const auto at = data.hosts_seen.find(std::string(ip));
    if (at != data.hosts_seen.end()) ++at->second.flows;
    else if (data.hosts_seen.size() < options.tracked_hosts) ++data.hosts_seen[std::string(ip)].flows;
    else ++data.hosts_not_tracked;
  }
}

void EveAggregator::State::add_stats(const Json& record) {
  const Json* stats = object_member(record, "stats");
  if (stats == nullptr) return;
  const auto host = string_member(record, "host");
  // Counters are cumulative within a run: the last record of each sensor (or file) is its total.
  SensorStats& sensor = data.sensors[host.empty() ? (file_key.empty() ? std::string("input") : file_key) : std::string(host)];
  sensor.seen = true;
  sensor.packets = stats_value(*stats, {"decoder", "pkts"});
  sensor.bytes = stats_value(*stats, {"decoder", "bytes"});
  sensor.flows = stats_value(*stats, {"flow", "total"});
  sensor.kernel_drops = stats_value(*stats, {"capture", "kernel_drops"}) + stats_value(*stats, {"capture", "kernel_ifdrops"});
  sensor.other_drops = stats_value(*stats, {"tcp", "segment_memcap_drop"});
}

void EveAggregator::State::add_tls(const Json& record, const RecordHeader& header) {
  const Json* tls = object_member(record, "tls");
  if (tls == nullptr) return;
  std::string key = endpoint(header.dest_ip, header.dest_port);
  key += '|';
  key += string_member(*tls, "sni");
  auto at = data.tls_servers.find(key);
  if (at == data.tls_servers.end()) {
    if (data.tls_servers.size() >= options.tracked_hosts) {
      ++data.tls_servers_not_tracked;
      return;
    }
    at = data.tls_servers.emplace(std::move(key), TlsServer{}).first;
  }
  TlsServer& server = at->second;
  ++server.handshakes;
  const Json* hello = object_member(*tls, "server_handshake");
  const std::string_view version = string_member(*tls, "version");
  if (hello == nullptr || version == "UNDETERMINED" || version.empty()) {
    ++server.unanswered;
    return;
  }
  ++server.versions[std::string(version)];
  ++server.ciphers[static_cast<std::uint32_t>(uint_member(*hello, "cipher"))];
}

void EveAggregator::State::add_alert(const Json& record, const RecordHeader& header) {
  const Json* alert = object_member(record, "alert");
  if (alert == nullptr) return;
  const auto sid = static_cast<std::uint32_t>(uint_member(*alert, "signature_id"));
  RuleStats& rule = data.rules[sid];
  if (rule.count == 0) {
    rule.sid = sid;
    rule.rev = static_cast<std::uint32_t>(uint_member(*alert, "rev"));
    rule.signature = string_member(*alert, "signature");
    rule.category = string_member(*alert, "category");
    rule.severity = static_cast<int>(uint_member(*alert, "severity"));
    rule.sources = CappedSet(options.distinct_per_set, options.distinct_overflow);
    rule.targets = CappedSet(options.distinct_per_set, options.distinct_overflow);
    rule.first = header.time;
  }
  ++rule.count;
  ++data.alerts;
  ++data.alerts_by_severity[rule.severity];
  rule.first = std::min(rule.first, header.time);
  rule.last = std::max(rule.last, header.time);
  rule.sources.insert(header.src_ip);
  rule.targets.insert(header.dest_ip);
  for (const std::string_view ip : {header.src_ip, header.dest_ip}) {
    if (ip.empty()) continue;
    const auto at = data.hosts_seen.find(std::string(ip));
    if (at != data.hosts_seen.end()) ++at->second.alerts;
    else if (data.hosts_seen.size() < options.tracked_hosts) ++data.hosts_seen[std::string(ip)].alerts;
    else ++data.hosts_not_tracked;
  }

  const Json* metadata = object_member(*alert, "metadata");
  const std::string app_proto(string_member(record, "app_proto"));
  // A cipher an alert names teaches the report its name (TLS records carry only the number).
  if (const std::string suite = metadata_text(metadata, "cipher_suite"); !suite.empty()) {
    const auto number = static_cast<std::uint32_t>(std::strtoul(suite.c_str(), nullptr, 16));
    CipherInfo& cipher = data.ciphers[number];
    if (cipher.name.empty()) cipher.name = metadata_text(metadata, "cipher_name");
    cipher.rsa_kex = kex_class(number, cipher.name).starts_with("RSA");
  }

  const std::string source = endpoint(header.src_ip, header.src_port);
  const std::string target = endpoint(header.dest_ip, header.dest_port);
  auto user_text = [&](std::string_view user) { return options.lab_mode ? std::string(user) : mask_user(user); };
  auto users_text = [&](const char* key) {
    std::string out;
    if (metadata == nullptr) return out;
    const auto at = metadata->FindMember(key);
    if (at == metadata->MemberEnd() || !at->value.IsArray()) return out;
    for (const Json& item : at->value.GetArray()) {
      if (!item.IsString()) continue;
      if (!out.empty()) out += ", ";
      out += user_text({item.GetString(), item.GetStringLength()});
    }
    return out;
  };

  Evidence evidence;
  evidence.time = header.time;
  evidence.flow_id = header.flow_id;
  evidence.source = source;
  evidence.target = target;
  std::string detail;  // for the hover line
  const bool smb_burst = app_proto == "smb" && metadata != nullptr && metadata->HasMember("failures");
  if (smb_burst) {
    evidence.fields = {{"failures at alert", metadata_text(metadata, "failures")},
                       {"users tried", users_text("users")},
                       {"last status", metadata_text(metadata, "last_status")}};
    detail = metadata_text(metadata, "failures") + " failures, users " + users_text("users");
  } else if (metadata != nullptr && metadata->HasMember("announced_address")) {
    const std::string announced = metadata_text(metadata, "announced_address") + ":" + metadata_text(metadata, "announced_port");
    evidence.fields = {{"command", metadata_text(metadata, "command")},
                       {"announced", announced},
                       {"real client", std::string(header.src_ip)},
                       {"label", metadata_text(metadata, "interpretation")}};
    detail = "announced " + announced + " from " + std::string(header.src_ip) + " (" +
             metadata_text(metadata, "interpretation") + ")";
  } else if (app_proto == "tls") {
    const Json* tls = object_member(record, "tls");
    const Json* client = tls ? object_member(*tls, "client_handshake") : nullptr;
    const Json* server = tls ? object_member(*tls, "server_handshake") : nullptr;
    std::string offered = client ? std::string(string_member(*client, "version")) : std::string();
    if (const auto max = metadata_text(metadata, "client_max_version"); !max.empty()) offered = "up to " + max;
    const std::string negotiated = tls ? std::string(string_member(*tls, "version")) : std::string();
    std::string cipher = "none";
    std::string kex = "-";
    if (server != nullptr) {
      const auto suite = static_cast<std::uint32_t>(uint_member(*server, "cipher"));
      const auto known = data.ciphers.find(suite);
      std::string name = metadata_text(metadata, "cipher_name");
      if (name.empty() && known != data.ciphers.end()) name = known->second.name;
      cipher = cipher_hex(suite) + (name.empty() ? "" : " " + name);
      kex = kex_class(suite, name);
    }
    evidence.fields = {{"server name", tls ? std::string(string_member(*tls, "sni")) : std::string()},
                       {"client offered", offered},
                       {"negotiated", negotiated},
                       {"cipher", cipher},
                       {"key exchange", kex}};
    if (const auto scsv = metadata_text(metadata, "fallback_scsv"); scsv == "true")
      evidence.fields.emplace_back("fallback SCSV", "sent");
    detail = "offered " + offered + ", negotiated " + negotiated + ", " + cipher;
  } else if (metadata != nullptr && metadata->HasMember("user") && (app_proto == "ftp" || app_proto == "pop3")) {
    evidence.fields = {{"user", users_text("user")},
                       {"mechanism", app_proto == "ftp" ? std::string("USER/PASS") : metadata_text(metadata, "mechanism")},
                       {"secret (masked)", ""},  // filled at finish from the flow's PASS record
                       {"outcome", metadata_text(metadata, "outcome")}};
    detail = "user " + users_text("user");
  } else if (metadata != nullptr) {
    for (auto m = metadata->MemberBegin(); m != metadata->MemberEnd(); ++m) {
      const std::string key(m->name.GetString(), m->name.GetStringLength());
      if (key == "mitre_technique_id") continue;
      evidence.fields.emplace_back(key, key.find("user") != std::string::npos ? users_text(key.c_str()) : join_strings(&m->value));
    }
    for (const auto& [key, value] : evidence.fields) detail += (detail.empty() ? "" : ", ") + key + " " + value;
  }

  std::optional<std::size_t> evidence_index, mark_index;
  if (rule.evidence.size() < options.evidence_per_rule) {
    evidence_index = rule.evidence.size();
    rule.evidence.push_back(std::move(evidence));
  } else {
    ++rule.evidence_not_kept;
  }
  if (rule.marks.size() < options.marks_per_rule) {
    mark_index = rule.marks.size();
    rule.marks.push_back({header.time, header.time,
                          format_time(header.time) + "  " + rule.signature + ": " + source + " \u2192 " + target +
                              (detail.empty() ? "" : " (" + detail + ")")});
  } else {
    ++rule.marks_not_kept;
  }
  if (smb_burst) attach_smb_alert(header, sid, evidence_index, mark_index);
}

}  // namespace spanwatch::report
