#pragma once
// Limits of the decode layer. Every one is counted when reached (DecodeStats) and raises an anomaly.
#include <cstddef>
#include <cstdint>

namespace spanwatch::decode {

struct DefragOptions {
  std::uint32_t max_trackers = 4096;              // datagrams being reassembled at once
  std::uint32_t max_fragments_per_datagram = 64;  // fragments stored for one datagram
  std::size_t memcap_bytes = 16u * 1024 * 1024;   // fragment byte storage, allocated up front
  std::uint32_t timeout_seconds = 60;             // an incomplete datagram is dropped this long after its last fragment
};

struct DecodeOptions {
  std::uint8_t max_vlan_layers = 3;         // more 802.1Q/QinQ tags than this: vlan.too_many_layers
  DefragOptions defrag;
};

}  // namespace spanwatch::decode
