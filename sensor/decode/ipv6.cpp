// IPv6: the fixed header, the extension header chain (each kind at most once, destination options at
// most twice, so a chain is at most six headers long), fragments to the defragmenter.
#include "decode/decoder.hpp"

namespace spanwatch::decode {

namespace {

constexpr std::size_t ipv6_header = 40;
constexpr std::size_t fragment_header = 8;

namespace next_header {
constexpr std::uint8_t hop_by_hop = 0;
constexpr std::uint8_t routing = 43;
constexpr std::uint8_t fragment = 44;
constexpr std::uint8_t esp = 50;
constexpr std::uint8_t ah = 51;
constexpr std::uint8_t none = 59;
constexpr std::uint8_t destination_options = 60;
}  // namespace next_header

// Bits of the `seen` set: which extension headers the chain already had.
namespace seen_bit {
constexpr unsigned hop_by_hop = 1u << 0;
constexpr unsigned routing = 1u << 1;
constexpr unsigned fragment = 1u << 2;
constexpr unsigned destination_once = 1u << 3;
constexpr unsigned destination_twice = 1u << 4;
constexpr unsigned ah = 1u << 5;
}  // namespace seen_bit

}  // namespace

DecodeStatus Decoder::decode_ipv6(core::Bytes packet, DecodedPacket& out) {
  const std::uint8_t* p = packet.data();
  if (packet.size() < ipv6_header) return fail(DecodeAnomaly::ipv6_pkt_too_small);
  if ((p[0] >> 4) != 6) return fail(DecodeAnomaly::ipv6_wrong_ip_version);
  const std::size_t payload_length = core::load_be16(p + 4);
  if (packet.size() < ipv6_header + payload_length) return fail(DecodeAnomaly::ipv6_trunc_pkt);
  ++stats_.ipv6;
  out.ip_version = 6;
  out.src = core::IpAddress::v6(p + 8);
  out.dst = core::IpAddress::v6(p + 24);
  out.ttl = p[7];
  return decode_ipv6_chain(p[6], packet.subspan(ipv6_header, payload_length), 0, out);
}

DecodeStatus Decoder::decode_ipv6_chain(std::uint8_t next, core::Bytes rest, unsigned seen, DecodedPacket& out) {
  for (;;) {
    unsigned bit = 0;
    DecodeAnomaly duplicate = DecodeAnomaly::none;
    switch (next) {
      case next_header::hop_by_hop:
        bit = seen_bit::hop_by_hop;
        duplicate = DecodeAnomaly::ipv6_exthdr_dupl_hh;
        break;
      case next_header::routing:
        bit = seen_bit::routing;
        duplicate = DecodeAnomaly::ipv6_exthdr_dupl_rh;
        break;
      case next_header::destination_options:
        bit = (seen & seen_bit::destination_once) ? seen_bit::destination_twice : seen_bit::destination_once;
        duplicate = DecodeAnomaly::ipv6_exthdr_dupl_dh;
        break;
      case next_header::ah:
        bit = seen_bit::ah;
        duplicate = DecodeAnomaly::ipv6_exthdr_dupl_ah;
        break;
      case next_header::fragment:
        return decode_ipv6_fragment(rest, seen, out);
      case next_header::esp:
        // Encrypted from here on: nothing further to decode.
        out.ip_protocol = next;
        out.transport = Transport::other;
        out.payload = rest;
        return DecodeStatus::ok;
      case next_header::none:
        if (!rest.empty()) note(DecodeAnomaly::ipv6_data_after_none_header);
        out.ip_protocol = next;
        out.transport = Transport::other;
        return DecodeStatus::ok;
      default:
        return decode_transport(next, rest, out);
    }
    // A repeated header is an evasion attempt or garbage; refusing it also bounds the chain.
    if (seen & bit) return fail(duplicate);
    seen |= bit;
    if (rest.size() < 2) return fail(DecodeAnomaly::ipv6_trunc_exthdr);
    const std::size_t length = next == next_header::ah ? (rest[1] + 2u) * 4u : (rest[1] + 1u) * 8u;
    if (length > rest.size()) return fail(DecodeAnomaly::ipv6_trunc_exthdr);
    if (next == next_header::routing && rest[2] == 0) note(DecodeAnomaly::ipv6_rh_type_0);
    next = rest[0];
    rest = rest.subspan(length);
  }
}

DecodeStatus Decoder::decode_ipv6_fragment(core::Bytes rest, unsigned seen, DecodedPacket& out) {
  if (seen & seen_bit::fragment) return fail(DecodeAnomaly::ipv6_exthdr_dupl_fh);
  seen |= seen_bit::fragment;
  if (rest.size() < fragment_header) return fail(DecodeAnomaly::ipv6_trunc_exthdr);
  const std::uint8_t* p = rest.data();
  const std::uint16_t offset_flags = core::load_be16(p + 2);
  const std::uint32_t offset = offset_flags & 0xfff8u;
  const bool more = (offset_flags & 1) != 0;
  if (p[1] != 0 || (offset_flags & 0x6) != 0) note(DecodeAnomaly::ipv6_fh_non_zero_reserved_field);
  const core::Bytes data = rest.subspan(fragment_header);
  if (offset == 0 && !more) {
    // An atomic fragment (RFC 6946): the datagram is whole, decode on.
    note(DecodeAnomaly::ipv6_exthdr_useless_fh);
    return decode_ipv6_chain(p[0], data, seen, out);
  }
  if (more && data.size() % 8 != 0) return fail(DecodeAnomaly::ipv6_frag_invalid_length);
  if (offset + data.size() > Defragmenter::max_datagram) return fail(DecodeAnomaly::ipv6_frag_pkt_too_large);

  Fragment fragment;
  fragment.key.src = out.src;
  fragment.key.dst = out.dst;
  fragment.key.id = core::load_be32(p + 4);
  fragment.key.vlan[0] = out.vlan[0];
  fragment.key.vlan[1] = out.vlan[1];
  fragment.key.version = 6;
  fragment.ts = out.ts;
  fragment.offset = offset;
  fragment.data = data;
  fragment.more = more;
  fragment.next_protocol = p[0];
  fragment.ttl = out.ttl;
  return defragment(fragment, seen, out);
}

}  // namespace spanwatch::decode
