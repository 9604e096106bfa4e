#pragma once
// Community ID v1 (https://github.com/corelight/community-id-spec): a flow hash other tools (Zeek,
// Suricata, Elastic) compute the same way, so EVE records can be joined with theirs.
//   "1:" + base64(SHA-1(seed, saddr, daddr, proto, 0, sport, dport))
// with the endpoints ordered so both directions give the same id, ports only for protocols that
// have them (TCP, UDP, SCTP, and ICMP/ICMPv6 type and code mapped to port equivalents).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ip_address.hpp"
#include "flow/flow.hpp"

namespace spanwatch::flow {

// "1:" + 28 base64 characters + NUL.
inline constexpr std::size_t community_id_size = 31;

// One packet's (or flow's) tuple as the spec takes it, in either direction.
struct CommunityIdTuple {
  core::IpAddress source;
  core::IpAddress destination;
  std::uint8_t ip_protocol = 0;
  std::uint16_t source_port = 0;       // ICMP: the type
  std::uint16_t destination_port = 0;  // ICMP: the code
};

// The flow's tuple, client first; for ICMP/ICMPv6 the type and code of the flow's first packet.
CommunityIdTuple community_id_tuple(const Flow& flow);

// Writes the id (without NUL) to `buffer`, which must hold community_id_size bytes; returns a view of it.
std::string_view write_community_id(const CommunityIdTuple& tuple, char* buffer, std::uint16_t seed);

template <std::size_t N>
std::string_view community_id(const CommunityIdTuple& tuple, char (&buffer)[N], std::uint16_t seed = 0) {
  static_assert(N >= community_id_size, "a community id needs community_id_size bytes");
  return write_community_id(tuple, buffer, seed);
}

template <std::size_t N>
std::string_view community_id(const Flow& flow, char (&buffer)[N], std::uint16_t seed = 0) {
  static_assert(N >= community_id_size, "a community id needs community_id_size bytes");
  return write_community_id(community_id_tuple(flow), buffer, seed);
}

}  // namespace spanwatch::flow
