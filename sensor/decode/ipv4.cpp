// IPv4: header checks in Suricata's order, options walked for sanity, fragments to the defragmenter.
// The header checksum is not verified (Suricata's default for captured traffic is not to drop on it).
#include "decode/decoder.hpp"

namespace spanwatch::decode {

namespace {
constexpr std::size_t ipv4_header = 20;
constexpr std::uint16_t more_fragments = 0x2000;
constexpr std::uint16_t offset_mask = 0x1fff;
constexpr std::uint8_t option_end = 0;
constexpr std::uint8_t option_nop = 1;
}  // namespace

DecodeStatus Decoder::decode_ipv4(core::Bytes packet, DecodedPacket& out) {
  const std::uint8_t* p = packet.data();
  if (packet.size() < ipv4_header) return fail(DecodeAnomaly::ipv4_pkt_too_small);
  if ((p[0] >> 4) != 4) return fail(DecodeAnomaly::ipv4_wrong_ip_version);
  const std::size_t header_length = (p[0] & 0x0f) * 4u;
  if (header_length < ipv4_header) return fail(DecodeAnomaly::ipv4_hlen_too_small);
  const std::size_t total_length = core::load_be16(p + 2);
  if (total_length < header_length) return fail(DecodeAnomaly::ipv4_iplen_smaller_than_hlen);
  if (packet.size() < total_length) return fail(DecodeAnomaly::ipv4_trunc_pkt);
  ++stats_.ipv4;
  if (header_length > ipv4_header) check_ipv4_options(p + ipv4_header, header_length - ipv4_header);

  out.ip_version = 4;
  out.src = core::IpAddress::v4(p + 12);
  out.dst = core::IpAddress::v4(p + 16);
  out.ttl = p[8];
  out.ip_protocol = p[9];
  // Bytes past the IP total length are link padding (Ethernet pads to 60 bytes): never payload.
  const core::Bytes body = packet.subspan(header_length, total_length - header_length);

  const std::uint16_t flags_offset = core::load_be16(p + 6);
  const std::uint32_t offset = (flags_offset & offset_mask) * 8u;
  const bool more = (flags_offset & more_fragments) != 0;
  if (offset == 0 && !more) return decode_transport(p[9], body, out);

  if (header_length + offset + body.size() > Defragmenter::max_datagram) {
    return fail(DecodeAnomaly::ipv4_frag_pkt_too_large);
  }
  Fragment fragment;
  fragment.key.src = out.src;
  fragment.key.dst = out.dst;
  fragment.key.id = core::load_be16(p + 4);
  fragment.key.vlan[0] = out.vlan[0];
  fragment.key.vlan[1] = out.vlan[1];
  fragment.key.protocol = p[9];
  fragment.key.version = 4;
  fragment.ts = out.ts;
  fragment.offset = offset;
  fragment.data = body;
  fragment.more = more;
  fragment.next_protocol = p[9];
  fragment.ttl = p[8];
  return defragment(fragment, 0, out);
}

void Decoder::check_ipv4_options(const std::uint8_t* options, std::size_t size) {
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t type = options[i];
    if (type == option_end) return;
    if (type == option_nop) {
      ++i;
      continue;
    }
    if (i + 1 >= size || options[i + 1] < 2) {
      note(DecodeAnomaly::ipv4_opt_invalid_len);
      return;
    }
    const std::size_t length = options[i + 1];
    if (i + length > size) {
      note(DecodeAnomaly::ipv4_opt_malformed);
      return;
    }
    i += length;
  }
}

}  // namespace spanwatch::decode
