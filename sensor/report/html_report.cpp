#include "report/html_report.hpp"

#include <algorithm>
#include <cstdio>

#include "report/eve_time.hpp"
#include "report/html_text.hpp"
#include "report/svg_chart.hpp"

namespace spanwatch::report {
namespace {

constexpr const char* style = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#111;margin:0 auto;max-width:1200px;padding:0 16px 32px}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;border-bottom:2px solid #0072B2;margin:28px 0 8px;padding-bottom:2px}
h3{font-size:15px;margin:14px 0 6px}.sub{color:#444;margin:0 0 8px}
table{border-collapse:collapse;margin:4px 0 10px;font-size:13px}th,td{border:1px solid #bbb;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#e8eef4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #bbb;border-radius:4px;padding:6px 10px;min-width:110px}
.card b{display:block;font-size:20px}.card span{color:#444;font-size:12px}
.bad{background:#FBE3D6;font-weight:600}.bad::before{content:"\26A0\FE0E  "}
.sev1{background:#FBE3D6}.sev2{background:#FFF2CC}.sev3{background:#E3F1FB}
.warn{border-left:4px solid #D55E00;padding:4px 8px;background:#FFF6F0}
svg text{font-size:11px;font-family:inherit}svg{max-width:100%;height:auto}
details summary{cursor:pointer;color:#0072B2}tr.evidence>td{background:#fcfcfc}
.cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1 1 300px}
@media print{body{max-width:none;font-size:11px}h2{break-after:avoid}table,svg{break-inside:avoid}details summary{color:#111}}
)";

class Page {
 public:
  void raw(std::string_view value) { out_ += value; }
  void text(std::string_view value) { append_escaped(out_, value); }
  void cell(std::string_view value, std::string_view cls = {}) {
    out_ += cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
    text(value);
    out_ += "</td>";
  }
  void number_cell(std::uint64_t value, std::string_view attribute = {}) {
    out_ += "<td class=\"n\"";
    if (!attribute.empty()) out_ += " data-" + std::string(attribute) + "=\"" + std::to_string(value) + "\"";
    out_ += ">" + std::to_string(value) + "</td>";
  }
  void heading_row(std::initializer_list<std::string_view> names) {
    out_ += "<tr>";
    for (auto name : names) {
      out_ += "<th>";
      text(name);
      out_ += "</th>";
    }
    out_ += "</tr>";
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

std::string with_more(const CappedSet& set, std::size_t show) {
  std::string out;
  for (std::size_t i = 0; i < set.kept().size() && i < show; ++i) out += (i ? ", " : "") + set.kept()[i];
  const std::size_t more = set.size() - std::min(set.kept().size(), show);
  if (more != 0) out += " +" + std::to_string(more) + (set.saturated() ? "+" : "") + " more";
  return out;
}

bool is_legacy_version(std::string_view version) {
  return version == "SSLv2" || version == "SSLv3" || version == "TLSv1" || version == "TLS 1.0" || version == "TLS 1.1" ||
         version == "TLSv1.1" || (version.starts_with("0x") && version < "0x0303");
}

int version_order(std::string_view v) {
  static constexpr std::string_view order[] = {"SSLv2", "SSLv3", "TLSv1", "TLS 1.1", "TLS 1.2", "TLS 1.3"};
  for (std::size_t i = 0; i < std::size(order); ++i)
    if (order[i] == v) return static_cast<int>(i);
  return 100;
}

const char* severity_name(int severity) {
  switch (severity) {
    case 1: return "1 high";
    case 2: return "2 medium";
    case 3: return "3 low";
    default: return "4 informational";
  }
}

template <typename Map, typename Value>
std::vector<std::pair<std::string, std::uint64_t>> top(const Map& map, Value value, std::size_t n) {
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  for (const auto& [key, entry] : map)
    if (value(entry) != 0) rows.emplace_back(key, value(entry));
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (rows.size() > n) rows.resize(n);
  return rows;
}

void summary(Page& p, const ReportData& d, const ReportOptions& o) {
  SensorStats total;
  for (const auto& [name, s] : d.sensors) {
    total.packets += s.packets;
    total.bytes += s.bytes;
    total.flows += s.flows;
    total.kernel_drops += s.kernel_drops;
    total.other_drops += s.other_drops;
  }
  char mb[32];
  const double bytes = static_cast<double>(total.bytes);
  if (bytes >= 1e9) std::snprintf(mb, sizeof mb, "%.2f GB", bytes / 1e9);
  else if (bytes >= 1e6) std::snprintf(mb, sizeof mb, "%.1f MB", bytes / 1e6);
  else std::snprintf(mb, sizeof mb, "%.1f kB", bytes / 1e3);
  p.raw("<section id=\"summary\"><h2>Summary</h2><p class=\"sub\">");
  if (d.have_time) {
    p.text("Capture span " + format_time(d.first) + " \u2013 " + format_time(d.last) + " UTC (" +
           format_duration(d.last - d.first) + ")");
    p.raw("<span data-metric=\"span-first\" data-value=\"" + std::to_string(d.first) + "\"></span>");
    p.raw("<span data-metric=\"span-last\" data-value=\"" + std::to_string(d.last) + "\"></span>");
  } else {
    p.text("No EVE records with a timestamp.");
  }
  p.raw("</p><div class=\"cards\">");
  auto card = [&](std::string_view metric, std::uint64_t value, std::string_view label, std::string_view shown = {}) {
    p.raw("<div class=\"card\"><b data-metric=\"" + std::string(metric) + "\" data-value=\"" + std::to_string(value) + "\">");
    p.text(shown.empty() ? std::to_string(value) : shown);
    p.raw("</b><span>");
    p.text(label);
    p.raw("</span></div>");
  };
  card("alerts", d.alerts, "alerts");
  for (int sev = 1; sev <= 4; ++sev) {
    const auto at = d.alerts_by_severity.find(sev);
    if (at != d.alerts_by_severity.end() || sev <= 3)
      card("alerts-severity-" + std::to_string(sev), at == d.alerts_by_severity.end() ? 0 : at->second,
           std::string("severity ") + severity_name(sev));
  }
  card("packets", total.packets, "packets");
  card("bytes", total.bytes, "bytes", mb);
  card("flows", total.flows, "flows");
  card("drops", total.kernel_drops, "capture drops (kernel)");
  card("records", d.lines - d.bad_json - d.not_eve, "EVE records read");
  card("skipped-lines", d.bad_json + d.not_eve, "lines skipped (not JSON or not EVE)");
  p.raw("</div><table><tr><th>sensor (host)</th><td data-metric=\"sensors\">");
  p.text(d.hosts.size() == 0 ? std::string("not named in the records (sensor.name unset)") : with_more(d.hosts, 10));
  p.raw("</td></tr><tr><th>statistics from</th><td>");
  std::string from;
  for (const auto& [name, s] : d.sensors) from += (from.empty() ? "" : "; ") + name;
  p.text(from.empty() ? std::string("no stats record: packets, bytes, flows and drops unknown") : from + " (last stats record of each, summed)");
  p.raw("</td></tr><tr><th>capture files</th><td>");
  p.text(d.files.size() == 0 ? std::string("live capture") : with_more(d.files, 5));
  p.raw("</td></tr><tr><th>rule set</th><td>");
  std::string revs;
  for (const auto& [sid, rule] : d.rules) revs += (revs.empty() ? "" : ", ") + std::to_string(sid) + " rev " + std::to_string(rule.rev);
  p.text(revs.empty() ? std::string("no alerts") : "no rule-set revision in the records; rules that alerted: " + revs);
  p.raw("</td></tr><tr><th>report</th><td>");
  p.text("spanwatch " + o.generator_version + (o.lab_mode ? ", lab mode: user names in clear" : ", user names masked"));
  p.raw("</td></tr><tr><th>event types</th><td>");
  std::string types;
  for (const auto& [type, count] : d.event_types) types += (types.empty() ? "" : ", ") + type + " " + std::to_string(count);
  p.text(types);
  p.raw("</td></tr></table>");
  if (d.bad_json + d.not_eve != 0)
    p.raw("<p class=\"warn\">" + std::to_string(d.bad_json) + " lines were not JSON objects and " +
          std::to_string(d.not_eve) + " had no event_type or timestamp: skipped.</p>");
  p.raw("</section>");
}

void timeline(Page& p, const ReportData& d) {
  p.raw("<section id=\"timeline\"><h2>Timeline</h2>");
  if (d.rules.empty()) {
    p.raw("<p>No alerts.</p></section>");
    return;
  }
  p.raw("<p class=\"sub\">One lane per rule; each tick is an alert, a bar an SMB logon-failure burst from its first "
        "to its last failed attempt. Hover for the alert's summary.</p>");
  std::vector<TimelineLane> lanes;
  for (const auto& [sid, rule] : d.rules)
    lanes.push_back({std::to_string(sid) + " " + rule.signature, &rule.marks, rule.marks_not_kept, sid});
  p.raw(timeline_svg(lanes, d.first, d.last, 1160));
  p.raw("<details><summary>Timeline as a table</summary><table>");
  p.heading_row({"rule", "time", "summary"});
  for (const auto& [sid, rule] : d.rules) {
    for (const TimelineMark& mark : rule.marks) {
      p.raw("<tr>");
      p.cell(std::to_string(sid));
      p.cell(mark.end > mark.time ? format_time(mark.time) + " \u2013 " + format_time(mark.end) : format_time(mark.time));
      p.cell(mark.title);
      p.raw("</tr>");
    }
    if (rule.marks_not_kept != 0)
      p.raw("<tr><td>" + std::to_string(sid) + "</td><td colspan=\"2\">+" + std::to_string(rule.marks_not_kept) +
            " more alerts not drawn</td></tr>");
  }
  p.raw("</table></details></section>");
}

void alerts_by_rule(Page& p, const ReportData& d) {
  p.raw("<section id=\"alerts\"><h2>Alerts by rule</h2><table>");
  p.heading_row({"sid", "rule", "severity", "alerts", "first seen", "last seen", "sources", "targets"});
  for (const auto& [sid, rule] : d.rules) {
    p.raw("<tbody><tr class=\"rule sev" + std::to_string(rule.severity) + "\" data-sid=\"" + std::to_string(sid) +
          "\" data-count=\"" + std::to_string(rule.count) + "\" data-sources=\"" + std::to_string(rule.sources.size()) +
          "\" data-targets=\"" + std::to_string(rule.targets.size()) + "\">");
    p.cell(std::to_string(sid));
    p.cell(rule.signature + (rule.category.empty() ? "" : " (" + rule.category + ")"));
    p.cell(severity_name(rule.severity));
    p.number_cell(rule.count);
    p.cell(format_time(rule.first));
    p.cell(format_time(rule.last));
    p.cell(std::to_string(rule.sources.size()) + ": " + with_more(rule.sources, 5));
    p.cell(std::to_string(rule.targets.size()) + ": " + with_more(rule.targets, 5));
    p.raw("</tr><tr class=\"evidence\"><td colspan=\"8\"><details><summary>Evidence: " +
          std::to_string(rule.evidence.size()) + " of " + std::to_string(rule.count) + " alerts</summary>");
    for (const Evidence& e : rule.evidence) {
      p.raw("<table class=\"ev\" data-sid=\"" + std::to_string(sid) + "\"><tr><th>time</th>");
      p.cell(format_time(e.time));
      p.raw("<th>flow</th>");
      p.cell(e.source + " \u2192 " + e.target);
      p.raw("</tr>");
      for (const auto& [label, value] : e.fields) {
        p.raw("<tr><th>");
        p.text(label);
        p.raw("</th><td colspan=\"3\">");
        p.text(value);
        p.raw("</td></tr>");
      }
      p.raw("</table>");
    }
    if (rule.evidence_not_kept != 0)
      p.raw("<p>+" + std::to_string(rule.evidence_not_kept) + " more alerts (evidence capped by --evidence)</p>");
    p.raw("</details></td></tr></tbody>");
  }
  p.raw("</table></section>");
}

void tls_posture(Page& p, const ReportData& d) {
  p.raw("<section id=\"tls\"><h2>TLS posture</h2>");
  if (d.tls_servers.empty()) {
    p.raw("<p>No tls records.</p></section>");
    return;
  }
  std::vector<std::string> versions;
  for (const auto& [key, server] : d.tls_servers)
    for (const auto& [version, count] : server.versions)
      if (std::find(versions.begin(), versions.end(), version) == versions.end()) versions.push_back(version);
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return version_order(a) != version_order(b) ? version_order(a) < version_order(b) : a < b; });
  p.raw("<p class=\"sub\">Handshakes per server and negotiated version; \u26A0 marks versions below TLS 1.2 and RSA key "
        "exchange (no forward secrecy). Cipher names come from the alerts that named them.</p><table><tr><th>server</th><th>SNI</th>");
  for (const auto& v : versions) {
    p.raw("<th>");
    p.text(v);
    p.raw("</th>");
  }
  p.raw("<th>no answer</th><th>ciphers negotiated</th></tr>");
  for (const auto& [key, server] : d.tls_servers) {
    const auto bar = key.find('|');
    p.raw("<tr class=\"tls-server\" data-handshakes=\"" + std::to_string(server.handshakes) + "\">");
    p.cell(key.substr(0, bar));
    p.cell(key.substr(bar + 1));
    for (const auto& v : versions) {
      const auto at = server.versions.find(v);
      if (at == server.versions.end()) p.raw("<td></td>");
      else p.cell(std::to_string(at->second), is_legacy_version(v) ? "n bad" : "n");
    }
    p.number_cell(server.unanswered);
    p.raw("<td>");
    for (const auto& [suite, count] : server.ciphers) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%04x", suite & 0xffffu);
      const auto known = d.ciphers.find(suite);
      const bool rsa = known != d.ciphers.end() && known->second.rsa_kex;
      p.raw(rsa ? "<div class=\"bad\">" : "<div>");
      p.text(std::string(hex) + (known != d.ciphers.end() && !known->second.name.empty() ? " " + known->second.name : "") +
             " \u00d7" + std::to_string(count) + (rsa ? " (RSA key exchange)" : ""));
      p.raw("</div>");
    }
    p.raw("</td></tr>");
  }
  p.raw("</table>");
  if (d.tls_servers_not_tracked != 0)
    p.raw("<p>+" + std::to_string(d.tls_servers_not_tracked) + " handshakes with servers beyond the tracked limit</p>");
  p.raw("</section>");
}

void authentication(Page& p, const ReportData& d, const ReportOptions& o) {
  p.raw("<section id=\"auth\"><h2>Authentication</h2>");
  if (d.auth.empty()) p.raw("<p>No logins in the records.</p>");
  for (const auto& [protocol, auth] : d.auth) {
    p.raw("<h3>");
    p.text(protocol);
    p.raw("</h3><div class=\"cols\"><div><table>");
    p.heading_row({"outcome", "mechanism", "logins"});
    for (const auto& [key, count] : auth.by_outcome_mechanism) {
      p.raw("<tr class=\"login\" data-protocol=\"" + html_escape(protocol) + "\" data-outcome=\"" + html_escape(key.first) +
            "\" data-count=\"" + std::to_string(count) + "\">");
      p.cell(key.first, key.first == "success" ? "" : "bad");
      p.cell(key.second);
      p.number_cell(count);
      p.raw("</tr>");
    }
    p.raw("</table></div><div><table>");
    p.heading_row({"top failing sources", "failures"});
    for (const auto& [source, count] : top(auth.failing_sources, [](auto v) { return v; }, o.top_n)) {
      p.raw("<tr>");
      p.cell(source);
      p.number_cell(count);
      p.raw("</tr>");
    }
    p.raw("</table></div><div><table>");
    p.heading_row({o.lab_mode ? "targeted users" : "targeted users (masked)", "logins"});
    for (const auto& [user, count] : top(auth.targeted_users, [](auto v) { return v; }, o.top_n)) {
      p.raw("<tr class=\"user\">");
      p.cell(o.lab_mode ? user : mask_user(user));
      p.number_cell(count);
      p.raw("</tr>");
    }
    p.raw("</table></div></div>");
  }
  p.raw("</section>");
}

void top_talkers(Page& p, const ReportData& d, const ReportOptions& o) {
  p.raw("<section id=\"talkers\"><h2>Top talkers</h2><p class=\"sub\">Hosts by alerts they took part in (as source or "
        "target) and by flows with records in eve.json.</p><div class=\"cols\">");
  const auto by_alerts = top(d.hosts_seen, [](const HostStats& h) { return h.alerts; }, o.top_n);
  const auto by_flows = top(d.hosts_seen, [](const HostStats& h) { return h.flows; }, o.top_n);
  for (const auto* rows : {&by_alerts, &by_flows}) {
    const bool alerts = rows == &by_alerts;
    std::vector<Bar> bars;
    for (const auto& [host, count] : *rows) bars.push_back({host, count});
    p.raw("<div><h3>" + std::string(alerts ? "By alerts" : "By flows") + "</h3>");
    p.raw(bar_chart_svg(bars, 560, alerts ? "Hosts by alerts" : "Hosts by flows", alerts ? 5 : 4));
    p.raw("<table>");
    p.heading_row({"host", alerts ? "alerts" : "flows"});
    for (const auto& [host, count] : *rows) {
      p.raw(std::string("<tr class=\"talker\" data-by=\"") + (alerts ? "alerts" : "flows") + "\">");
      p.cell(host);
      p.number_cell(count);
      p.raw("</tr>");
    }
    p.raw("</table></div>");
  }
  p.raw("</div>");
  if (d.hosts_not_tracked != 0)
    p.raw("<p>" + std::to_string(d.hosts_not_tracked) + " host counts beyond the tracked-host limit were not kept.</p>");
  p.raw("</section>");
}

}  // namespace

std::string render_html(const ReportData& data, const ReportOptions& options) {
  Page p;
  p.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\"><title>spanwatch exercise report</title><style>");
  p.raw(style);
  p.raw("</style></head><body><h1>spanwatch exercise report</h1>");
  summary(p, data, options);
  timeline(p, data);
  alerts_by_rule(p, data);
  tls_posture(p, data);
  authentication(p, data, options);
  top_talkers(p, data, options);
  p.raw("</body></html>\n");
  return std::move(p.str());
}

}  // namespace spanwatch::report
