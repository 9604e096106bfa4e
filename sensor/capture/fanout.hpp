#pragma once
// Several live handles on one interface joined into one Linux PACKET_FANOUT group, so that the
// kernel hands each packet to exactly one of them (one per packet worker). Which one is chosen by
// FanoutMode; both keep the two directions of a flow together.
#include <cstdint>
#include <span>

#include "capture/packet_source.hpp"

namespace spanwatch::capture {

enum class FanoutMode : std::uint8_t {
  // A classic BPF program (PACKET_FANOUT_CBPF) hashing the IP address pair symmetrically, the same
  // grouping as offline shards: every flow between two hosts lands on one handle, so per-pair rule
  // state (by_pair thresholds over several connections) stays exact. Packets without IP go to
  // handle 0; IP fragments carry their addresses and need no kernel reassembly.
  ip_pair,
  // The kernel's PACKET_FANOUT_HASH with PACKET_FANOUT_FLAG_DEFRAG: since Linux 4.7 a symmetric
  // hash of protocol, addresses and ports (flow dissector), so both directions of a connection
  // meet, but two connections between the same hosts may land on different handles.
  hash,
};

// The fanout group a set of handles joined; the id is the kernel's (PACKET_FANOUT_FLAG_UNIQUEID),
// so two sensors on one interface never share a group by accident.
struct FanoutGroup {
  std::uint16_t id = 0;
  FanoutMode mode = FanoutMode::ip_pair;
};

// Joins every handle (live, all on the same interface, opened with open_live) into a new fanout
// group, in order: packets are spread over sources[0..n). One handle joins too (harmless). Packets
// that reached a handle's ring between its pcap_activate and its joining are seen by that handle
// only, so the first microseconds of a start may show a packet twice.
// Throws CaptureError("<interface>: cannot join a packet fanout group: <reason>").
FanoutGroup join_fanout(std::span<PacketSource* const> sources, FanoutMode mode);

}  // namespace spanwatch::capture
