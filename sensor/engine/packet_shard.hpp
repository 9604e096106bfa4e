#pragma once
// Which worker of several keeps a packet, and which flow it is likely to belong to, decided from the
// link, IP and port headers alone, before the full decode (offline every worker reads every packet: decoding, and defragmenting, only its own
// shard saves that work N-1 times over). The shard is a symmetric hash of the IP address pair, so
// both directions of a flow, its fragments and every flow between two hosts land on one worker;
// frames the decoder would give no IP addresses (not IP, or malformed before the IP header is
// accepted) belong to shard 0.
#include <cstdint>

#include "core/ip_address.hpp"
#include "core/packet_view.hpp"

namespace spanwatch::engine {

struct PeekedHeaders {
  unsigned ip_version = 0;  // 0: no IP header the decoder would accept
  core::IpAddress src;
  core::IpAddress dst;
  std::uint8_t vlan_count = 0;
  std::uint16_t vlan[2] = {0, 0};  // VLAN ids, outer first, as the decoder keeps them
  std::uint8_t ip_protocol = 0;
  bool has_ports = false;  // TCP or UDP right after the IP header of an unfragmented packet
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
};

// What decode::Decoder would put in DecodedPacket for this frame's flow key: ip_version, src and
// dst after the same link types, VLAN tags up to `max_vlan_layers` and IPv4/IPv6 header checks that
// come before the decoder records the addresses; the VLAN ids; and the ports of a TCP or UDP packet
// that is neither fragmented nor behind IPv6 extension headers (the decoder may still reject its
// transport header: a hint, not a decode). Reads headers only; never allocates.
PeekedHeaders peek_headers(const core::PacketView& packet, unsigned max_vlan_layers);

// The shard (0 .. shard_count-1) of an address pair; the same for (a, b) and (b, a).
std::uint16_t shard_of(const PeekedHeaders& headers, std::uint16_t shard_count);

}  // namespace spanwatch::engine
