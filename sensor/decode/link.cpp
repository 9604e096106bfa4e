// Link layers: Ethernet (+802.1Q/QinQ), raw IP, BSD loopback, Linux cooked capture v1 and v2.
#include "decode/decoder.hpp"

namespace spanwatch::decode {

namespace {

namespace ethertype {
constexpr std::uint16_t ipv4 = 0x0800;
constexpr std::uint16_t arp = 0x0806;
constexpr std::uint16_t vlan = 0x8100;
constexpr std::uint16_t qinq = 0x88a8;
constexpr std::uint16_t qinq_old = 0x9100;
constexpr std::uint16_t ipv6 = 0x86dd;
constexpr std::uint16_t min_type = 0x0600;  // below: an IEEE 802.3 length field (LLC frames such as STP)
}  // namespace ethertype

constexpr std::size_t ethernet_header = 14;
constexpr std::size_t vlan_tag = 4;
constexpr std::size_t null_header = 4;
constexpr std::size_t sll_header = 16;
constexpr std::size_t sll2_header = 20;

constexpr bool is_vlan_tpid(std::uint16_t type) {
  return type == ethertype::vlan || type == ethertype::qinq || type == ethertype::qinq_old;
}

// BSD address families as they appear in DLT_NULL/DLT_LOOP headers (AF_INET6 differs per OS).
constexpr bool is_af_inet6(std::uint32_t family) {
  return family == 10 || family == 24 || family == 28 || family == 30;
}

}  // namespace

DecodeStatus Decoder::decode_ethernet(core::Bytes frame, DecodedPacket& out) {
  if (frame.size() < ethernet_header) return fail(DecodeAnomaly::ethernet_pkt_too_small);
  ++stats_.ethernet;
  return decode_ethertype(core::load_be16(frame.data() + 12), frame.subspan(ethernet_header), out);
}

DecodeStatus Decoder::decode_ethertype(std::uint16_t type, core::Bytes rest, DecodedPacket& out) {
  while (is_vlan_tpid(type)) {
    if (rest.size() < vlan_tag) return fail(DecodeAnomaly::vlan_header_too_small);
    const unsigned layer = out.vlan_count;
    if (layer == 0) ++stats_.vlan;
    else if (layer == 1) ++stats_.vlan_qinq;
    else if (layer == 2) ++stats_.vlan_qinqinq;
    if (layer >= options_.max_vlan_layers) return fail(DecodeAnomaly::vlan_too_many_layers);
    if (layer < 2) out.vlan[layer] = core::load_be16(rest.data()) & 0x0fff;
    out.vlan_count = static_cast<std::uint8_t>(layer + 1);
    type = core::load_be16(rest.data() + 2);
    rest = rest.subspan(vlan_tag);
  }
  switch (type) {
    case ethertype::ipv4:
      return decode_ipv4(rest, out);
    case ethertype::ipv6:
      return decode_ipv6(rest, out);
    case ethertype::arp:
      ++stats_.arp;
      return skip(DecodeAnomaly::none);
    default:
      if (type < ethertype::min_type) return skip(DecodeAnomaly::none);
      ++stats_.unknown_ethertype;
      return skip(DecodeAnomaly::ethernet_unknown_ethertype);
  }
}

DecodeStatus Decoder::decode_raw(int type, core::Bytes frame, DecodedPacket& out) {
  ++stats_.raw;
  if (frame.empty()) return fail(DecodeAnomaly::ipraw_invalid_ip_version);
  const unsigned version = frame[0] >> 4;
  if (version == 4 && type != linktype::ipv6) return decode_ipv4(frame, out);
  if (version == 6 && type != linktype::ipv4) return decode_ipv6(frame, out);
  return fail(DecodeAnomaly::ipraw_invalid_ip_version);
}

DecodeStatus Decoder::decode_null(core::Bytes frame, DecodedPacket& out) {
  if (frame.size() < null_header) return fail(DecodeAnomaly::ltnull_pkt_too_small);
  ++stats_.null;
  // DLT_NULL stores the family in the capturing host's byte order, DLT_LOOP in network order; the
  // families are small numbers, so whichever reading fits in 16 bits is the right one.
  const std::uint32_t big = core::load_be32(frame.data());
  const std::uint32_t little = (big >> 24) | ((big >> 8) & 0xff00) | ((big << 8) & 0xff0000) | (big << 24);
  const std::uint32_t family = big <= 0xffff ? big : little;
  if (family == 2) return decode_ipv4(frame.subspan(null_header), out);
  if (is_af_inet6(family)) return decode_ipv6(frame.subspan(null_header), out);
  return skip(DecodeAnomaly::ltnull_unsupported_type);
}

DecodeStatus Decoder::decode_sll(core::Bytes frame, DecodedPacket& out) {
  if (frame.size() < sll_header) return fail(DecodeAnomaly::sll_pkt_too_small);
  ++stats_.sll;
  return decode_ethertype(core::load_be16(frame.data() + 14), frame.subspan(sll_header), out);
}

DecodeStatus Decoder::decode_sll2(core::Bytes frame, DecodedPacket& out) {
  if (frame.size() < sll2_header) return fail(DecodeAnomaly::sll2_pkt_too_small);
  ++stats_.sll2;
  return decode_ethertype(core::load_be16(frame.data()), frame.subspan(sll2_header), out);
}

}  // namespace spanwatch::decode
