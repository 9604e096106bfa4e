// spanwatch-gen-evasion: one capture per (evasion variant, detection case) and a manifest of what the
// shipped rules must raise on each, for evasion_test.py.
//
// usage: spanwatch-gen-evasion --out DIR [--technique NAME]   (NAME: a technique of techniques(), or all)
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "evasive_connection.hpp"
#include "scenarios.hpp"

namespace spanwatch::evasion {
namespace {

// A counter in the final stats record (dotted path under "stats") that must be non-zero.
using Counters = std::vector<std::string>;

struct Variant {
  std::string technique;  // the CTest test: evasion_<technique>
  std::string name;
  Technique wire;
  ScenarioOptions application;
  std::vector<std::string> protocols;  // empty: every protocol
  bool decoy_seen = false;             // the parser sees the critical messages' decoys (junk first)
  Counters counters;                   // non-zero in every case
  Counters counters_if_critical;       // non-zero where the scenario has a critical message
  std::vector<std::string> anomalies;  // "type:event" anomaly records present in every case
  std::vector<std::string> anomalies_if_critical;
};

std::vector<Variant> variants() {
  std::vector<Variant> out;
  const auto add = [&out](std::string technique, std::string name) -> Variant& {
    Variant v;
    v.technique = std::move(technique);
    v.name = std::move(name);
    return out.emplace_back(std::move(v));
  };
  add("baseline", "ipv4");
  add("baseline", "ipv6").application.ipv6 = true;

  add("tiny_segments", "one_byte_segments").wire.segment_size = 1;
  add("tiny_segments", "one_byte_segments_ipv6").wire.segment_size = 1;
  out.back().application.ipv6 = true;

  {
    Variant& v = add("out_of_order", "reversed_8_byte_segments");
    v.wire.segment_size = 8;
    v.wire.order = Order::reversed;
  }
  {
    Variant& v = add("overlap", "retransmit_real_first");
    v.wire.overlap = Overlap::retransmit_real_first;
    v.counters = {"tcp.overlap"};
  }
  {
    Variant& v = add("overlap", "retransmit_junk_first");
    v.wire.overlap = Overlap::retransmit_junk_first;
    v.decoy_seen = true;
    v.counters_if_critical = {"tcp.overlap"};
  }
  {
    Variant& v = add("overlap", "buffered_real_first");
    v.wire.overlap = Overlap::buffered_real_first;
    v.counters = {"tcp.overlap", "tcp.overlap_diff_data"};
    v.anomalies = {"stream:stream.reassembly_overlap_different_data"};
  }
  {
    Variant& v = add("overlap", "buffered_junk_first");
    v.wire.overlap = Overlap::buffered_junk_first;
    v.decoy_seen = true;
    v.counters_if_critical = {"tcp.overlap", "tcp.overlap_diff_data"};
    v.anomalies_if_critical = {"stream:stream.reassembly_overlap_different_data"};
  }
  {
    // The bytes every common target keeps (Suricata's BSD, Linux and Windows policies alike): those
    // of the segment that starts first in sequence space, whatever order they came in.
    Variant& v = add("overlap", "covering_junk_first");
    v.wire.overlap = Overlap::covering_junk_first;
    v.counters_if_critical = {"tcp.overlap", "tcp.overlap_diff_data"};
    v.anomalies_if_critical = {"stream:stream.reassembly_overlap_different_data"};
  }
  {
    Variant& v = add("overlap", "covering_real_first");
    v.wire.overlap = Overlap::covering_real_first;
    v.decoy_seen = true;
    v.counters_if_critical = {"tcp.overlap", "tcp.overlap_diff_data"};
    v.anomalies_if_critical = {"stream:stream.reassembly_overlap_different_data"};
  }
  {
    // The receiver drops the junk (bad checksum) and keeps the real bytes: so must the sensor.
    Variant& v = add("overlap", "junk_first_with_bad_checksum");
    v.wire.overlap = Overlap::retransmit_junk_first_bad_checksum;
    v.counters_if_critical = {"tcp.invalid_checksum"};
  }
  for (const bool v6 : {false, true}) {
    const std::string family = v6 ? "ipv6" : "ipv4";
    const std::string reassembled = "defrag." + family + ".reassembled";
    const std::string overlap_event = family + ".frag_overlap";
    {
      Variant& v = add("ip_fragments", family + "_fragments");
      v.wire.fragments = Fragments::plain;
      v.application.ipv6 = v6;
      v.counters = {reassembled};
    }
    {
      Variant& v = add("ip_fragments", family + "_fragments_overlap_real_first");
      v.wire.fragments = Fragments::overlap_real_first;
      v.application.ipv6 = v6;
      v.counters = {reassembled, "decoder.event." + overlap_event};
      v.anomalies = {"decode:" + overlap_event};
    }
    {
      Variant& v = add("ip_fragments", family + "_fragments_overlap_junk_first");
      v.wire.fragments = Fragments::overlap_junk_first;
      v.application.ipv6 = v6;
      v.decoy_seen = true;
      v.counters = {reassembled};
      v.counters_if_critical = {"decoder.event." + overlap_event};
      v.anomalies_if_critical = {"decode:" + overlap_event};
    }
  }
  {
    Variant& v = add("vlan", "vlan_8021q");
    v.wire.ethernet.vlans = {100};
  }
  {
    Variant& v = add("vlan", "qinq_88a8");
    v.wire.ethernet.vlans = {200, 100};
    v.wire.ethernet.outer_tpid = 0x88a8;
  }
  {
    Variant& v = add("vlan", "qinq_9100_ipv6");
    v.wire.ethernet.vlans = {300, 100};
    v.wire.ethernet.outer_tpid = 0x9100;
    v.application.ipv6 = true;
  }
  {
    Variant& v = add("midstream", "after_handshake");
    v.wire.start = Start::midstream;
    v.counters = {"tcp.midstream_pickups"};
  }
  {
    Variant& v = add("midstream", "smb_after_negotiate");
    v.wire.start = Start::after_negotiate;
    v.protocols = {"smb"};
    v.counters = {"tcp.midstream_pickups"};
  }
  add("unusual_ports", "ftp2121_pop1110_tls8443_smb139").application.unusual_ports = true;
  {
    Variant& v = add("mixed_case", "mixed_case_verbs");
    v.application.mixed_case = true;
    v.protocols = {"ftp", "pop3"};
  }
  {
    Variant& v = add("pipelining", "pipelined_commands");
    v.application.pipelined = true;
    v.protocols = {"ftp", "pop3", "tls"};
  }
  {
    Variant& v = add("pipelining", "pipelined_one_byte_segments");
    v.application.pipelined = true;
    v.wire.segment_size = 1;
    v.protocols = {"ftp", "pop3", "tls"};
  }
  return out;
}

bool has_critical(const Scenario& s) {
  for (const Script& c : s.connections)
    for (const Message& m : c.messages)
      if (m.critical) return true;
  return false;
}

void write_strings(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const char* key,
                   const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) w.String(v.c_str());
  w.EndArray();
}

int run(const std::string& out_dir, const std::string& technique) {
  std::filesystem::create_directories(out_dir);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  std::size_t cases = 0;
  for (const Variant& v : variants()) {
    if (technique != "all" && technique != v.technique) continue;
    for (const Scenario& s : all_scenarios(v.application)) {
      if (!v.protocols.empty() && std::find(v.protocols.begin(), v.protocols.end(), s.protocol) == v.protocols.end())
        continue;
      const std::string name = v.name + "__" + s.name;
      const std::string pcap = out_dir + "/" + name + ".pcap";
      {
        Capture capture(pcap);
        std::uint32_t isn = 0x10000000u + static_cast<std::uint32_t>(cases) * 0x01000000u;
        for (const Script& connection : s.connections) {
          EvasiveConnection(capture, connection, v.wire, isn, isn ^ 0x5a5a5a5au).play();
          isn += 0x00100000u;
          capture.advance(1000000000ull);  // connections a second apart (the SMB burst is within 60 s)
        }
      }
      const bool critical = has_critical(s);
      Counters counters = v.counters;
      std::vector<std::string> anomalies = v.anomalies;
      if (critical) {
        counters.insert(counters.end(), v.counters_if_critical.begin(), v.counters_if_critical.end());
        anomalies.insert(anomalies.end(), v.anomalies_if_critical.begin(), v.anomalies_if_critical.end());
      }
      w.StartObject();
      w.Key("name");
      w.String(name.c_str());
      w.Key("technique");
      w.String(v.technique.c_str());
      w.Key("variant");
      w.String(v.name.c_str());
      w.Key("scenario");
      w.String(s.name.c_str());
      w.Key("pcap");
      w.String(pcap.c_str());
      w.Key("sids");
      w.StartArray();
      for (const auto sid : (v.decoy_seen && critical) ? s.sids_with_decoy : s.sids) w.Uint(sid);
      w.EndArray();
      w.Key("decoy_seen");
      w.Bool(v.decoy_seen && critical);
      w.Key("evidence");
      w.String(((v.decoy_seen && critical) ? s.evidence_with_decoy : s.evidence).c_str());
      write_strings(w, "counters_nonzero", counters);
      write_strings(w, "anomalies", anomalies);
      w.EndObject();
      ++cases;
    }
  }
  w.EndArray();
  std::ofstream(out_dir + "/manifest.json") << buffer.GetString() << "\n";
  std::printf("%zu cases written to %s\n", cases, out_dir.c_str());
  return cases == 0 ? 1 : 0;
}

}  // namespace
}  // namespace spanwatch::evasion

int main(int argc, char** argv) {
  std::string out, technique = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--out") == 0) out = argv[i + 1];
    else if (std::strcmp(argv[i], "--technique") == 0) technique = argv[i + 1];
  }
  if (out.empty()) {
    std::fprintf(stderr, "usage: spanwatch-gen-evasion --out DIR [--technique NAME|all]\n");
    return 2;
  }
  return spanwatch::evasion::run(out, technique);
}
