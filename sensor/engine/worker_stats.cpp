// Worker::collect_stats: each layer's counters under Suricata's stats paths, so a SIEM's Suricata
// dashboards read them unchanged. Counters without a Suricata key stay out of EVE (they show in
// the run summary instead): the schema admits no other keys.
#include <array>
#include <string>

#include "engine/worker.hpp"

namespace spanwatch::engine {
namespace {

constexpr std::size_t anomaly_count = static_cast<std::size_t>(decode::DecodeAnomaly::count_);

// "decoder.event.<name>" for every decode anomaly, built once: stats paths must outlive the snapshot.
const std::array<std::string, anomaly_count>& decoder_event_paths() {
  static const std::array<std::string, anomaly_count> paths = [] {
    std::array<std::string, anomaly_count> out;
    for (std::size_t i = 0; i < anomaly_count; ++i)
      out[i] = "decoder.event." + std::string(decode::name_of(static_cast<decode::DecodeAnomaly>(i)));
    return out;
  }();
  return paths;
}

void add_decode(alert::StatsSnapshot& s, const decode::DecodeStats& d) {
  s.add("decoder.pkts", d.pkts);
  s.add("decoder.bytes", d.bytes);
  s.add("decoder.invalid", d.invalid);
  s.add("decoder.ethernet", d.ethernet);
  s.add("decoder.raw", d.raw);
  s.add("decoder.null", d.null);
  s.add("decoder.sll", d.sll);
  s.add("decoder.sll2", d.sll2);
  s.add("decoder.arp", d.arp);
  s.add("decoder.vlan", d.vlan);
  s.add("decoder.vlan_qinq", d.vlan_qinq);
  s.add("decoder.vlan_qinqinq", d.vlan_qinqinq);
  s.add("decoder.ipv4", d.ipv4);
  s.add("decoder.ipv6", d.ipv6);
  s.add("decoder.tcp", d.tcp);
  s.add("decoder.udp", d.udp);
  s.add("decoder.icmpv4", d.icmpv4);
  s.add("decoder.icmpv6", d.icmpv6);
  s.add("decoder.too_many_layers", d.too_many_layers);
  s.add("decoder.unknown_ethertype", d.unknown_ethertype);
  s.add("decoder.max_pkt_size", d.max_pkt_size);
  s.add("decoder.avg_pkt_size", d.avg_pkt_size());
  const auto& paths = decoder_event_paths();
  d.events.for_each([&](decode::DecodeAnomaly anomaly, std::uint64_t count) {
    if (anomaly != decode::DecodeAnomaly::none && count != 0) s.add(paths[static_cast<std::size_t>(anomaly)], count);
  });
  s.add("defrag.ipv4.fragments", d.defrag.ipv4_fragments);
  s.add("defrag.ipv4.reassembled", d.defrag.ipv4_reassembled);
  s.add("defrag.ipv4.timeouts", d.defrag.ipv4_timeouts);
  s.add("defrag.ipv6.fragments", d.defrag.ipv6_fragments);
  s.add("defrag.ipv6.reassembled", d.defrag.ipv6_reassembled);
  s.add("defrag.ipv6.timeouts", d.defrag.ipv6_timeouts);
  s.add("defrag.max_frags_reached", d.defrag.max_frags_reached);
  s.add("defrag.max_trackers_reached", d.defrag.max_trackers_reached);
  s.add("defrag.memuse", d.defrag.memuse);
}

void add_flow(alert::StatsSnapshot& s, const flow::FlowStats& f) {
  s.add("flow.total", f.total);
  s.add("flow.active", f.active);
  s.add("flow.tcp", f.tcp);
  s.add("flow.udp", f.udp);
  s.add("flow.icmpv4", f.icmpv4);
  s.add("flow.icmpv6", f.icmpv6);
  s.add("flow.tcp_reuse", f.tcp_reuse);
  s.add("flow.memcap", f.memcap);
  s.add("flow.memuse", f.memuse);
  s.add("flow.spare", f.spare);
  s.add("flow.mgr.flows_timeout", f.timeouts);
  s.add("flow.wrk.flows_evicted", f.evicted);
  s.add("flow.emerg_mode_entered", f.emerg_mode_entered);
  s.add("flow.emerg_mode_over", f.emerg_mode_over);
  s.add("flow.end.state.new", f.end_state.new_);
  s.add("flow.end.state.established", f.end_state.established);
  s.add("flow.end.state.closed", f.end_state.closed + f.end_state.closing);
  s.add("flow.end.state.local_bypassed", f.end_state.local_bypassed);
}

void add_stream(alert::StatsSnapshot& s, const flow::tcp::ReassemblyStats& t) {
  s.add("tcp.sessions", t.sessions);
  s.add("tcp.active_sessions", t.active_sessions);
  s.add("tcp.syn", t.syn);
  s.add("tcp.synack", t.synack);
  s.add("tcp.rst", t.rst);
  s.add("tcp.urg", t.urg);
  s.add("tcp.midstream_pickups", t.midstream_pickups);
  s.add("tcp.reassembly_gap", t.reassembly_gap);
  s.add("tcp.ack_unseen_data", t.ack_unseen_data);
  s.add("tcp.overlap", t.overlap);
  s.add("tcp.overlap_diff_data", t.overlap_diff_data);
  s.add("tcp.invalid_checksum", t.invalid_checksum);
  s.add("tcp.segment_memcap_drop", t.segment_memcap_drop + t.segment_direction_cap_drop);
  s.add("tcp.segment_from_pool", t.segment_from_pool);
  s.add("tcp.stream_depth_reached", t.stream_depth_reached);
  s.add("tcp.memuse", t.memuse);
  s.add("tcp.reassembly_memuse", t.reassembly_memuse);
  s.add("flow_bypassed.closed", t.bypassed);
}

// app_layer.{flow,tx,error}.<protocol>: Suricata's names for what each parser saw.
void add_app_layer(alert::StatsSnapshot& s, const AppLayerStats& a) {
  struct Paths {
    events::Protocol protocol;
    std::string_view flow, tx, parser, gap, alloc;
  };
  static constexpr Paths paths[] = {
      {events::Protocol::ftp, "app_layer.flow.ftp", "app_layer.tx.ftp", "app_layer.error.ftp.parser",
       "app_layer.error.ftp.gap", "app_layer.error.ftp.alloc"},
      {events::Protocol::pop3, "app_layer.flow.pop3", "app_layer.tx.pop3", "app_layer.error.pop3.parser",
       "app_layer.error.pop3.gap", "app_layer.error.pop3.alloc"},
      {events::Protocol::smb, "app_layer.flow.smb", "app_layer.tx.smb", "app_layer.error.smb.parser",
       "app_layer.error.smb.gap", "app_layer.error.smb.alloc"},
      {events::Protocol::tls, "app_layer.flow.tls", "app_layer.tx.tls", "app_layer.error.tls.parser",
       "app_layer.error.tls.gap", "app_layer.error.tls.alloc"},
      {events::Protocol::smtp, "app_layer.flow.smtp", "app_layer.tx.smtp", "app_layer.error.smtp.parser",
       "app_layer.error.smtp.gap", "app_layer.error.smtp.alloc"},
      {events::Protocol::imap, "app_layer.flow.imap", "app_layer.tx.imap", "app_layer.error.imap.parser",
       "app_layer.error.imap.gap", "app_layer.error.imap.alloc"},
  };
  for (const Paths& p : paths) {
    const auto i = static_cast<std::size_t>(p.protocol);
    s.add(p.flow, a.flows[i]);
    s.add(p.tx, a.tx[i]);
    s.add(p.parser, a.parser_errors[i]);
    s.add(p.gap, a.gaps[i]);
    s.add(p.alloc, a.pool_exhausted[i]);
  }
  s.add("app_layer.flow.failed_tcp", a.unrecognised);
}

}  // namespace

void Worker::collect_stats(alert::StatsSnapshot& snapshot) const {
  add_decode(snapshot, decoder_.stats());
  add_flow(snapshot, flows_.stats());
  add_stream(snapshot, reassembler_.stats());
  add_app_layer(snapshot, app_.stats());
  snapshot.add("detect.alert", app_.stats().alerts);
  snapshot.add("detect.alerts_suppressed", app_.rule_stats().suppressed);
}

}  // namespace spanwatch::engine
