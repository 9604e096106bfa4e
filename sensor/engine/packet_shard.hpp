#pragma once
// Which worker of several keeps a packet, decided from the link and IP headers alone, before the
// full decode (offline every worker reads every packet: decoding, and defragmenting, only its own
// shard saves that work N-1 times over). The shard is a symmetric hash of the IP address pair, so
// both directions of a flow, its fragments and every flow between two hosts land on one worker;
// frames the decoder would give no IP addresses (not IP, or malformed before the IP header is
// accepted) belong to shard 0.
#include <cstdint>

#include "core/ip_address.hpp"
#include "core/packet_view.hpp"

namespace spanwatch::engine {

struct IpPair {
  unsigned ip_version = 0;  // 0: no IP header the decoder would accept
  core::IpAddress src;
  core::IpAddress dst;
};

// The addresses decode::Decoder would put in DecodedPacket (ip_version, src, dst) for this frame:
// the same link types, VLAN tags up to `max_vlan_layers`, and the same IPv4/IPv6 header checks that
// come before the decoder records the addresses. Reads headers only; never allocates.
IpPair peek_ip_pair(const core::PacketView& packet, unsigned max_vlan_layers);

// The shard (0 .. shard_count-1) of an address pair; the same for (a, b) and (b, a).
std::uint16_t shard_of(const IpPair& pair, std::uint16_t shard_count);

}  // namespace spanwatch::engine
