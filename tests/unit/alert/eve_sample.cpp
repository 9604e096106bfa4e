// eve_sample OUT.json: writes one of each EVE record spanwatch produces, with realistic values, so
// that the eve_sample_schema test can validate them against Suricata's published schema.
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "alert/anomaly_record.hpp"
#include "alert/eve_file.hpp"
#include "alert/eve_writer.hpp"
#include "alert/stats_record.hpp"

using namespace spanwatch;
using namespace spanwatch::alert;

namespace {

core::IpAddress ip(std::string_view text) { return core::IpAddress::parse(text).value_or(core::IpAddress{}); }

void write_stats_sample(EveWriter& writer, EveFile& file, core::Timestamp ts) {
  StatsSnapshot snapshot;
  snapshot.set_uptime_seconds(3600);
  // Suricata's names, as the layers report them (unordered on purpose).
  const std::pair<std::string_view, std::uint64_t> counters[] = {
      {"tcp.syn", 61712},
      {"capture.kernel_packets", 1482211},
      {"capture.kernel_drops", 12},
      {"capture.kernel_ifdrops", 0},
      {"decoder.pkts", 1482199},
      {"decoder.bytes", 1073741824},
      {"decoder.ipv4", 1422911},
      {"decoder.ipv6", 59288},
      {"decoder.ethernet", 1482199},
      {"decoder.vlan", 177864},
      {"decoder.vlan_qinq", 1201},
      {"decoder.tcp", 1402345},
      {"decoder.udp", 79854},
      {"decoder.icmpv4", 120},
      {"decoder.icmpv6", 44},
      {"decoder.invalid", 3},
      {"decoder.avg_pkt_size", 724},
      {"decoder.max_pkt_size", 1514},
      {"decoder.event.ipv4.trunc_pkt", 2},
      {"decoder.event.ipv4.hlen_too_small", 1},
      {"decoder.event.ipv4.opt_invalid", 4},
      {"decoder.event.ipv6.trunc_pkt", 1},
      {"decoder.event.ipv6.frag_overlap", 0},
      {"decoder.event.tcp.hlen_too_small", 5},
      {"decoder.event.tcp.opt_invalid_len", 1},
      {"decoder.event.udp.hlen_invalid", 0},
      {"decoder.event.vlan.too_many_layers", 7},
      {"decoder.event.ethernet.pkt_too_small", 1},
      {"defrag.ipv4.fragments", 840},
      {"defrag.ipv4.reassembled", 420},
      {"defrag.ipv4.timeouts", 0},
      {"defrag.ipv6.fragments", 16},
      {"defrag.ipv6.reassembled", 8},
      {"defrag.max_frags_reached", 0},
      {"flow.total", 61745},
      {"flow.tcp", 58011},
      {"flow.udp", 3690},
      {"flow.icmpv4", 30},
      {"flow.icmpv6", 14},
      {"flow.active", 10211},
      {"flow.memuse", 8388608},
      {"flow.end.state.new", 2011},
      {"flow.end.state.established", 1904},
      {"flow.end.state.closed", 47619},
      {"flow.end.tcp_state.closed", 47001},
      {"flow.end.tcp_state.syn_sent", 1200},
      {"flow.mgr.flows_timeout", 5100},
      {"tcp.synack", 60002},
      {"tcp.rst", 1830},
      {"tcp.sessions", 58011},
      {"tcp.midstream_pickups", 211},
      {"tcp.reassembly_gap", 96},
      {"tcp.overlap", 12},
      {"tcp.segment_memcap_drop", 0},
      {"tcp.stream_depth_reached", 4012},
      {"stream.pkt_invalid_ack", 3},
      {"stream.reassembly_overlap_different_data", 1},
      {"app_layer.flow.ftp", 1200},
      {"app_layer.flow.pop3", 310},
      {"app_layer.flow.smb", 95},
      {"app_layer.flow.tls", 42110},
      {"app_layer.tx.ftp", 9120},
      {"app_layer.tx.pop3", 2480},
      {"detect.alert", 41},
      {"detect.alert_queue_overflow", 0},
  };
  for (const auto& [path, value] : counters) snapshot.add(path, value);
  const StatsRecordResult result = write_stats(writer, file, ts, snapshot);
  if (result.skipped_paths != 0) std::fprintf(stderr, "eve_sample: %zu stats paths skipped\n", result.skipped_paths);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: eve_sample OUT.json\n");
    return 2;
  }
  std::error_code ignored;
  std::filesystem::remove(argv[1], ignored);  // the file is opened for appending
  EveFile file;
  if (!file.open(argv[1])) {
    std::fprintf(stderr, "eve_sample: cannot open %s\n", argv[1]);
    return 1;
  }
  const core::Timestamp ts{1700000000, 123456789};

  EveWriter live(EveContext{"spanwatch-lab", "eth0", ""});
  EveWriter offline(EveContext{"", "", "/var/lib/spanwatch/pcaps/mixed-\xe9t\xe9.pcap"});  // Latin-1 name

  FlowHeader ipv4_tcp;
  ipv4_tcp.flow_id = 1937823441204011;
  ipv4_tcp.src_ip = ip("10.20.30.40");
  ipv4_tcp.dest_ip = ip("192.0.2.10");
  ipv4_tcp.src_port = 51544;
  ipv4_tcp.dest_port = 445;
  ipv4_tcp.has_ports = true;
  ipv4_tcp.ip_protocol = 6;
  ipv4_tcp.vlan[0] = 10;
  ipv4_tcp.vlan[1] = 20;
  ipv4_tcp.vlan_count = 2;
  ipv4_tcp.community_id = "1:mJ7l7p2qVNDh1RIcAUd3yJ4MZXQ=";

  FlowHeader ipv6_udp;
  ipv6_udp.flow_id = 2251799813685247;
  ipv6_udp.src_ip = ip("2001:db8:10::15");
  ipv6_udp.dest_ip = ip("2001:db8:20::53");
  ipv6_udp.src_port = 40001;
  ipv6_udp.dest_port = 53;
  ipv6_udp.has_ports = true;
  ipv6_udp.ip_protocol = 17;

  FlowHeader ipv6_icmp;
  ipv6_icmp.flow_id = 77;
  ipv6_icmp.src_ip = ip("fe80::1");
  ipv6_icmp.dest_ip = ip("ff02::1");
  ipv6_icmp.ip_protocol = 58;
  ipv6_icmp.vlan[0] = 300;
  ipv6_icmp.vlan_count = 1;

  FlowHeader gre;
  gre.flow_id = 5;
  gre.src_ip = ip("198.51.100.1");
  gre.dest_ip = ip("198.51.100.2");
  gre.ip_protocol = 47;

  write_stats_sample(live, file, ts);
  write_stats_sample(offline, file, ts);
  write_anomaly(live, file, ts, nullptr, "decode", "ipv4.trunc_pkt");
  write_anomaly(live, file, ts, &ipv4_tcp, "stream", "pkt_invalid_ack", "stream");
  write_anomaly(live, file, ts, &ipv4_tcp, AnomalyFields{"applayer", "too_many_records", "proto_parser", "smb"});
  write_anomaly(offline, file, ts, &ipv6_udp, "decode", "udp.hlen_invalid");
  write_anomaly(offline, file, ts, &ipv6_icmp, "decode", "icmpv6.unknown_type");
  write_anomaly(offline, file, ts, &gre, "decode", "gre.version0_flags");
  write_anomaly(offline, file, ts, nullptr, "applayer", "user \"r\xf6ot\"\n", "proto_parser");  // bytes from a packet

  file.close();
  const std::uint64_t problems = file.dropped_lines() + live.unbalanced_records() + offline.unbalanced_records();
  if (problems != 0) {
    std::fprintf(stderr, "eve_sample: %llu lines lost\n", static_cast<unsigned long long>(problems));
    return 1;
  }
  std::printf("eve_sample: wrote %llu lines to %s\n", static_cast<unsigned long long>(file.written_lines()), argv[1]);
  return 0;
}
