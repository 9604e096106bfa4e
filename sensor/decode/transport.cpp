// Transport headers: TCP (with options), UDP, ICMP and ICMPv6. Anything else is Transport::other.
#include "decode/decoder.hpp"

namespace spanwatch::decode {

namespace {

constexpr std::size_t tcp_header = 20;
constexpr std::size_t udp_header = 8;
constexpr std::size_t icmp_header = 8;

namespace protocol {
constexpr std::uint8_t icmp = 1;
constexpr std::uint8_t tcp = 6;
constexpr std::uint8_t udp = 17;
constexpr std::uint8_t icmpv6 = 58;
}  // namespace protocol

namespace tcp_option {
constexpr std::uint8_t end = 0;
constexpr std::uint8_t nop = 1;
constexpr std::uint8_t mss = 2;
constexpr std::uint8_t window_scale = 3;
constexpr std::uint8_t sack_permitted = 4;
constexpr std::uint8_t timestamp = 8;
}  // namespace tcp_option

}  // namespace

DecodeStatus Decoder::decode_transport(std::uint8_t ip_protocol, core::Bytes segment, DecodedPacket& out) {
  out.ip_protocol = ip_protocol;
  switch (ip_protocol) {
    case protocol::tcp:
      return decode_tcp(segment, out);
    case protocol::udp:
      return decode_udp(segment, out);
    case protocol::icmp:
      if (out.ip_version == 6) note(DecodeAnomaly::ipv6_icmpv4);
      return decode_icmp(segment, Transport::icmp, out);
    case protocol::icmpv6:
      if (out.ip_version == 4) note(DecodeAnomaly::ipv4_icmpv6);
      return decode_icmp(segment, Transport::icmpv6, out);
    default:
      out.transport = Transport::other;
      out.payload = segment;
      return DecodeStatus::ok;
  }
}

DecodeStatus Decoder::decode_tcp(core::Bytes segment, DecodedPacket& out) {
  if (segment.size() < tcp_header) return fail(DecodeAnomaly::tcp_pkt_too_small);
  const std::uint8_t* p = segment.data();
  const std::size_t header_length = (p[12] >> 4) * 4u;
  // Suricata names both a too-short data offset and one past the segment's end "hlen_too_small".
  if (header_length < tcp_header || header_length > segment.size()) return fail(DecodeAnomaly::tcp_hlen_too_small);
  ++stats_.tcp;
  out.transport = Transport::tcp;
  out.src_port = core::load_be16(p);
  out.dst_port = core::load_be16(p + 2);
  TcpInfo& tcp = out.tcp;
  tcp.seq = core::load_be32(p + 4);
  tcp.ack = core::load_be32(p + 8);
  tcp.flags = p[13];
  tcp.window = core::load_be16(p + 14);
  tcp.urgent_pointer = core::load_be16(p + 18);
  if (header_length > tcp_header) parse_tcp_options(p + tcp_header, header_length - tcp_header, tcp);
  out.payload = segment.subspan(header_length);
  out.tcp_segment = segment;
  return DecodeStatus::ok;
}

void Decoder::parse_tcp_options(const std::uint8_t* options, std::size_t size, TcpInfo& tcp) {
  // A duplicate keeps the first value (as Suricata does); a bad length ends the walk.
  bool seen_mss = false;
  std::size_t i = 0;
  while (i < size) {
    const std::uint8_t kind = options[i];
    if (kind == tcp_option::end) return;
    if (kind == tcp_option::nop) {
      ++i;
      continue;
    }
    if (i + 1 >= size || options[i + 1] < 2 || i + options[i + 1] > size) {
      note(DecodeAnomaly::tcp_opt_invalid_len);
      return;
    }
    const std::size_t length = options[i + 1];
    const std::uint8_t* value = options + i + 2;
    bool duplicate = false;
    bool bad_length = false;
    switch (kind) {
      case tcp_option::mss:
        bad_length = length != 4;
        duplicate = seen_mss;
        if (!bad_length && !duplicate) {
          tcp.mss = core::load_be16(value);
          seen_mss = true;
        }
        break;
      case tcp_option::window_scale:
        bad_length = length != 3;
        duplicate = tcp.has_window_scale;
        if (!bad_length && !duplicate) {
          tcp.window_scale = value[0];
          tcp.has_window_scale = true;
        }
        break;
      case tcp_option::sack_permitted:
        bad_length = length != 2;
        duplicate = tcp.sack_permitted;
        if (!bad_length && !duplicate) tcp.sack_permitted = true;
        break;
      case tcp_option::timestamp:
        bad_length = length != 10;
        duplicate = tcp.has_timestamp;
        if (!bad_length && !duplicate) {
          tcp.timestamp_value = core::load_be32(value);
          tcp.timestamp_echo = core::load_be32(value + 4);
          tcp.has_timestamp = true;
        }
        break;
      default:
        break;
    }
    if (bad_length) note(DecodeAnomaly::tcp_opt_invalid_len);
    else if (duplicate) note(DecodeAnomaly::tcp_opt_duplicate);
    i += length;
  }
}

DecodeStatus Decoder::decode_udp(core::Bytes segment, DecodedPacket& out) {
  if (segment.size() < udp_header) return fail(DecodeAnomaly::udp_hlen_too_small);
  const std::uint8_t* p = segment.data();
  const std::size_t length = core::load_be16(p + 4);
  if (length < udp_header) return fail(DecodeAnomaly::udp_len_invalid);
  if (length > segment.size()) return fail(DecodeAnomaly::udp_pkt_too_small);
  // Fewer UDP bytes than IP payload: the UDP length wins, the rest is not data.
  if (length != segment.size()) note(DecodeAnomaly::udp_hlen_invalid);
  ++stats_.udp;
  out.transport = Transport::udp;
  out.src_port = core::load_be16(p);
  out.dst_port = core::load_be16(p + 2);
  out.payload = segment.subspan(udp_header, length - udp_header);
  return DecodeStatus::ok;
}

DecodeStatus Decoder::decode_icmp(core::Bytes message, Transport transport, DecodedPacket& out) {
  const bool v4 = transport == Transport::icmp;
  if (message.size() < icmp_header) {
    return fail(v4 ? DecodeAnomaly::icmpv4_pkt_too_small : DecodeAnomaly::icmpv6_pkt_too_small);
  }
  ++(v4 ? stats_.icmpv4 : stats_.icmpv6);
  out.transport = transport;
  out.icmp_type = message[0];
  out.icmp_code = message[1];
  out.payload = message.subspan(icmp_header);
  return DecodeStatus::ok;
}

}  // namespace spanwatch::decode
