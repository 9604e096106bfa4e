#pragma once
// What the decoder tells the rest of the packet path about one frame. Plain data: every span points
// into the captured frame (or, for a reassembled IP datagram, into the defragmenter's buffer) and is
// valid only until the next packet is decoded.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::decode {

enum class Transport : std::uint8_t { none = 0, tcp, udp, icmp, icmpv6, other };

namespace tcp_flag {
constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, psh = 0x08, ack = 0x10, urg = 0x20, ece = 0x40,
                       cwr = 0x80;
}

struct TcpInfo {
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint16_t window = 0;
  std::uint16_t urgent_pointer = 0;
  std::uint8_t flags = 0;
  std::uint8_t window_scale = 0;  // from the option, valid when has_window_scale
  bool has_window_scale = false;
  bool sack_permitted = false;
  bool has_timestamp = false;
  std::uint16_t mss = 0;  // 0 when absent
  std::uint32_t timestamp_value = 0;
  std::uint32_t timestamp_echo = 0;

  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
};

struct DecodedPacket {
  core::Timestamp ts;
  std::uint32_t wire_length = 0;  // of the frame on the wire

  // Link layer: outer VLAN first. vlan_count counts tags seen (may exceed 2; only two are kept).
  std::uint16_t vlan[2] = {0, 0};
  std::uint8_t vlan_count = 0;

  // Network layer.
  std::uint8_t ip_version = 0;  // 4 or 6
  core::IpAddress src;
  core::IpAddress dst;
  std::uint8_t ip_protocol = 0;  // IPPROTO_* of the transport (after IPv6 extension headers)
  std::uint8_t ttl = 0;          // TTL or hop limit
  bool reassembled = false;      // the datagram was put together from IP fragments

  // Transport layer.
  Transport transport = Transport::none;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  TcpInfo tcp;
  std::uint8_t icmp_type = 0;  // ICMP / ICMPv6 type and code, when transport is icmp or icmpv6
  std::uint8_t icmp_code = 0;
  core::Bytes payload;  // transport payload (TCP/UDP data, ICMP body after 8 bytes), trimmed to the IP length
  core::Bytes tcp_segment;  // TCP header and payload, what the TCP checksum covers (when transport is tcp)
};

}  // namespace spanwatch::decode
