#pragma once
// The identity of a flow: both addresses and ports, the IP protocol and both VLAN ids, normalised so
// that the two directions of one conversation produce the same key. The "low" endpoint is the one
// whose (address, port) orders first; which of them is the client is the Flow's business, not the key's.
#include <cstdint>

#include "core/ip_address.hpp"
#include "decode/decoded_packet.hpp"

namespace spanwatch::flow {

struct FlowKey {
  core::IpAddress low_address;
  core::IpAddress high_address;
  std::uint16_t low_port = 0;
  std::uint16_t high_port = 0;
  std::uint16_t vlan[2] = {0, 0};  // outer first; 0 where no tag was present
  std::uint8_t ip_protocol = 0;

  // The key of `packet`'s flow. When `source_is_low_out` is given it receives whether the packet's
  // source is the key's low endpoint (always true when both endpoints are identical).
  static FlowKey of(const decode::DecodedPacket& packet, bool* source_is_low_out = nullptr);
  // The same from the fields alone (`vlan`: the ids of the tags present, 0 for absent ones).
  static FlowKey of(const core::IpAddress& src, const core::IpAddress& dst, std::uint16_t src_port,
                    std::uint16_t dst_port, std::uint8_t ip_protocol, const std::uint16_t (&vlan)[2],
                    bool* source_is_low_out = nullptr);

  // Symmetric by construction (the key is normalised) and well mixed in every bit, so it may be
  // used both for table buckets (low bits) and for sharding flows over workers. Equal hashes never
  // mean equal flows: compare keys with ==.
  std::uint64_t hash(std::uint64_t seed = 0) const;

  bool operator==(const FlowKey& other) const;
};

// Is the packet's source the low endpoint of its FlowKey? (Cheaper than building the key.)
inline bool source_is_low(const core::IpAddress& src, const core::IpAddress& dst, std::uint16_t src_port,
                          std::uint16_t dst_port) {
  return src < dst || (src == dst && src_port <= dst_port);
}
inline bool source_is_low(const decode::DecodedPacket& packet) {
  return source_is_low(packet.src, packet.dst, packet.src_port, packet.dst_port);
}

}  // namespace spanwatch::flow
