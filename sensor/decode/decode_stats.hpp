#pragma once
// Counters of the decode layer, named after Suricata's `stats.decoder.*` and `stats.defrag.*` keys so
// the EVE stats record maps one to one. Fields without a Suricata key are marked.
#include <cstdint>

#include "core/counters.hpp"
#include "decode/decode_anomaly.hpp"

namespace spanwatch::decode {

struct DefragStats {
  std::uint64_t ipv4_fragments = 0;
  std::uint64_t ipv4_reassembled = 0;
  std::uint64_t ipv4_timeouts = 0;
  std::uint64_t ipv6_fragments = 0;
  std::uint64_t ipv6_reassembled = 0;
  std::uint64_t ipv6_timeouts = 0;
  std::uint64_t max_frags_reached = 0;
  std::uint64_t max_trackers_reached = 0;
  std::uint64_t memcap_reached = 0;  // no Suricata key: fragment dropped, byte storage full
  std::uint64_t memuse = 0;          // bytes of fragment storage in use now (a gauge)
};

struct DecodeStats {
  std::uint64_t pkts = 0;
  std::uint64_t bytes = 0;    // captured bytes
  std::uint64_t invalid = 0;  // frames that decoded as malformed
  std::uint64_t skipped = 0;  // no Suricata key: frames that carry no IP (ARP, LLDP, STP, ...)
  std::uint64_t ethernet = 0;
  std::uint64_t raw = 0;
  std::uint64_t null = 0;
  std::uint64_t sll = 0;
  std::uint64_t sll2 = 0;
  std::uint64_t arp = 0;
  std::uint64_t vlan = 0;
  std::uint64_t vlan_qinq = 0;
  std::uint64_t vlan_qinqinq = 0;
  std::uint64_t ipv4 = 0;
  std::uint64_t ipv6 = 0;
  std::uint64_t tcp = 0;
  std::uint64_t udp = 0;
  std::uint64_t icmpv4 = 0;
  std::uint64_t icmpv6 = 0;
  std::uint64_t too_many_layers = 0;
  std::uint64_t unknown_ethertype = 0;
  std::uint64_t max_pkt_size = 0;
  core::EnumCounters<DecodeAnomaly> events;
  DefragStats defrag;

  std::uint64_t avg_pkt_size() const { return pkts == 0 ? 0 : bytes / pkts; }
};

}  // namespace spanwatch::decode
