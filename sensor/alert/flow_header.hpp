#pragma once
// The flow fields an EVE record carries, as plain values the engine copies out of its flow. alert/
// never sees a flow table: whoever writes a record fills one of these (or passes none).
#include <cstdint>
#include <string_view>

#include "core/ip_address.hpp"

namespace spanwatch::alert {

struct FlowHeader {
  std::uint64_t flow_id = 0;  // written as a JSON integer
  core::IpAddress src_ip;
  core::IpAddress dest_ip;
  std::uint16_t src_port = 0;
  std::uint16_t dest_port = 0;
  bool has_ports = false;        // TCP/UDP: src_port/dest_port are written; otherwise omitted
  std::uint8_t ip_protocol = 0;  // IPPROTO_* number; printed as Suricata's `proto` name
  std::uint16_t vlan[2] = {0, 0};
  std::uint8_t vlan_count = 0;    // 0..2 tags kept (outer first); more are clamped to 2
  std::string_view community_id;  // empty: omitted. Must stay valid until the record's end().
};

// Suricata's `proto` text: "TCP", "UDP", "ICMP", "IPv6-ICMP", otherwise the decimal number.
// Returns a view of a literal or of `buffer`.
std::string_view eve_proto_name(std::uint8_t ip_protocol, char (&buffer)[4]);

}  // namespace spanwatch::alert
