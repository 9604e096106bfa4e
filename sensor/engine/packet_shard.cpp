#include "engine/packet_shard.hpp"

#include "core/bytes.hpp"
#include "decode/decoder.hpp"

namespace spanwatch::engine {
namespace {

// The decoder's constants (decode/link.cpp, ipv4.cpp, ipv6.cpp); keep both in step.
constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::size_t ethernet_header = 14;
constexpr std::size_t vlan_tag = 4;
constexpr std::size_t null_header = 4;
constexpr std::size_t sll_header = 16;
constexpr std::size_t sll2_header = 20;
constexpr std::size_t ipv4_header = 20;
constexpr std::size_t ipv6_header = 40;
constexpr std::uint8_t protocol_tcp = 6;
constexpr std::uint8_t protocol_udp = 17;

constexpr bool is_vlan_tpid(std::uint16_t type) { return type == 0x8100 || type == 0x88a8 || type == 0x9100; }
constexpr bool is_af_inet6(std::uint32_t family) {
  return family == 10 || family == 24 || family == 28 || family == 30;
}

// The ports of a TCP or UDP header starting `offset` bytes into `packet` (within `end`).
void ports(std::uint8_t protocol, const std::uint8_t* p, std::size_t offset, std::size_t end, PeekedHeaders& out) {
  out.ip_protocol = protocol;
  if ((protocol != protocol_tcp && protocol != protocol_udp) || end < offset + 4) return;
  out.has_ports = true;
  out.src_port = core::load_be16(p + offset);
  out.dst_port = core::load_be16(p + offset + 2);
}

void ipv4(core::Bytes packet, PeekedHeaders& out) {
  const std::uint8_t* p = packet.data();
  if (packet.size() < ipv4_header || (p[0] >> 4) != 4) return;
  const std::size_t header_length = (p[0] & 0x0f) * 4u;
  const std::size_t total_length = core::load_be16(p + 2);
  if (header_length < ipv4_header || total_length < header_length || packet.size() < total_length) return;
  out.ip_version = 4;
  out.src = core::IpAddress::v4(p + 12);
  out.dst = core::IpAddress::v4(p + 16);
  const bool fragment = (core::load_be16(p + 6) & 0x3fff) != 0;  // MF or an offset: ports after reassembly
  if (!fragment) ports(p[9], p, header_length, total_length, out);
}

void ipv6(core::Bytes packet, PeekedHeaders& out) {
  const std::uint8_t* p = packet.data();
  if (packet.size() < ipv6_header || (p[0] >> 4) != 6) return;
  const std::size_t total_length = ipv6_header + core::load_be16(p + 4);
  if (packet.size() < total_length) return;
  out.ip_version = 6;
  out.src = core::IpAddress::v6(p + 8);
  out.dst = core::IpAddress::v6(p + 24);
  ports(p[6], p, ipv6_header, total_length, out);
}

PeekedHeaders ethertype(std::uint16_t type, core::Bytes rest, unsigned max_vlan_layers) {
  PeekedHeaders out;
  while (is_vlan_tpid(type)) {
    if (rest.size() < vlan_tag || out.vlan_count >= max_vlan_layers) return {};
    if (out.vlan_count < 2) out.vlan[out.vlan_count] = core::load_be16(rest.data()) & 0x0fff;
    ++out.vlan_count;
    type = core::load_be16(rest.data() + 2);
    rest = rest.subspan(vlan_tag);
  }
  if (type == ethertype_ipv4) ipv4(rest, out);
  if (type == ethertype_ipv6) ipv6(rest, out);
  return out.ip_version != 0 ? out : PeekedHeaders{};
}

PeekedHeaders ip(core::Bytes packet, unsigned version) {
  PeekedHeaders out;
  if (version == 4) ipv4(packet, out);
  if (version == 6) ipv6(packet, out);
  return out;
}

std::uint64_t address_hash(const core::IpAddress& address) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (std::size_t i = 0; i < address.size(); ++i) h = (h ^ address.data()[i]) * 0x100000001b3ull;
  return h;
}

}  // namespace

PeekedHeaders peek_headers(const core::PacketView& packet, unsigned max_vlan_layers) {
  const core::Bytes frame = packet.data;
  switch (packet.linktype) {
    case decode::linktype::en10mb:
      if (frame.size() < ethernet_header) return {};
      return ethertype(core::load_be16(frame.data() + 12), frame.subspan(ethernet_header), max_vlan_layers);
    case decode::linktype::raw:
    case decode::linktype::linktype_raw:
    case decode::linktype::ipv4:
    case decode::linktype::ipv6: {
      if (frame.empty()) return {};
      const unsigned version = frame[0] >> 4;
      if (version == 4 && packet.linktype != decode::linktype::ipv6) return ip(frame, 4);
      if (version == 6 && packet.linktype != decode::linktype::ipv4) return ip(frame, 6);
      return {};
    }
    case decode::linktype::null:
    case decode::linktype::loop: {
      if (frame.size() < null_header) return {};
      const std::uint32_t big = core::load_be32(frame.data());
      const std::uint32_t little = (big >> 24) | ((big >> 8) & 0xff00) | ((big << 8) & 0xff0000) | (big << 24);
      const std::uint32_t family = big <= 0xffff ? big : little;
      if (family == 2) return ip(frame.subspan(null_header), 4);
      if (is_af_inet6(family)) return ip(frame.subspan(null_header), 6);
      return {};
    }
    case decode::linktype::linux_sll:
      if (frame.size() < sll_header) return {};
      return ethertype(core::load_be16(frame.data() + 14), frame.subspan(sll_header), max_vlan_layers);
    case decode::linktype::linux_sll2:
      if (frame.size() < sll2_header) return {};
      return ethertype(core::load_be16(frame.data()), frame.subspan(sll2_header), max_vlan_layers);
    default:
      return {};
  }
}

// Symmetric (a sum), then mixed so that the shard does not follow the low address bits.
std::uint16_t shard_of(const PeekedHeaders& headers, std::uint16_t shard_count) {
  if (shard_count <= 1 || headers.ip_version == 0) return 0;
  std::uint64_t h = address_hash(headers.src) + address_hash(headers.dst);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<std::uint16_t>(h % shard_count);
}

}  // namespace spanwatch::engine
