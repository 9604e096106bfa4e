#include "decode/decoder.hpp"


namespace spanwatch::decode {

namespace {

// Field by field on purpose: assigning DecodedPacket{} (or memset) makes g++ emit `rep stos`, whose
// start-up cost was a large share of the decode time of a plain TCP packet.
void reset(DecodedPacket& out) {
  // A new field in DecodedPacket must be cleared here too (ts and wire_length are set by decode()).
  static_assert(sizeof(DecodedPacket) == 136, "reset() must clear every field of DecodedPacket");
  out.vlan[0] = 0;
  out.vlan[1] = 0;
  out.vlan_count = 0;
  out.ip_version = 0;
  out.src = {};
  out.dst = {};
  out.ip_protocol = 0;
  out.ttl = 0;
  out.reassembled = false;
  out.transport = Transport::none;
  out.src_port = 0;
  out.dst_port = 0;
  out.tcp = TcpInfo{};
  out.icmp_type = 0;
  out.icmp_code = 0;
  out.payload = {};
  out.tcp_segment = {};
}

}  // namespace

Decoder::Decoder(const DecodeOptions& options) : options_(options), defrag_(options.defrag) {}

DecodeResult Decoder::decode(const core::PacketView& packet, DecodedPacket& out) {
  const std::uint64_t size = packet.data.size();
  ++stats_.pkts;
  stats_.bytes += size;
  if (size > stats_.max_pkt_size) stats_.max_pkt_size = size;

  reset(out);
  out.ts = packet.ts;
  out.wire_length = packet.wirelen;
  first_anomaly_ = DecodeAnomaly::none;
  fatal_anomaly_ = DecodeAnomaly::none;

  DecodeStatus status = DecodeStatus::skipped;
  switch (packet.linktype) {
    case linktype::en10mb:
      status = decode_ethernet(packet.data, out);
      break;
    case linktype::raw:
    case linktype::linktype_raw:
    case linktype::ipv4:
    case linktype::ipv6:
      status = decode_raw(packet.linktype, packet.data, out);
      break;
    case linktype::null:
    case linktype::loop:
      status = decode_null(packet.data, out);
      break;
    case linktype::linux_sll:
      status = decode_sll(packet.data, out);
      break;
    case linktype::linux_sll2:
      status = decode_sll2(packet.data, out);
      break;
    default:
      break;  // a link type we do not decode: counted as skipped
  }

  DecodeResult result{status, first_anomaly_};
  if (status == DecodeStatus::malformed) {
    ++stats_.invalid;
    result.anomaly = fatal_anomaly_;
  } else if (status == DecodeStatus::skipped) {
    ++stats_.skipped;
  }
  return result;
}

void Decoder::expire(core::Timestamp now) { defrag_.expire(now, stats_.defrag); }

void Decoder::note(DecodeAnomaly anomaly) {
  stats_.events.add(anomaly);
  if (first_anomaly_ == DecodeAnomaly::none) first_anomaly_ = anomaly;
}

DecodeStatus Decoder::fail(DecodeAnomaly anomaly) {
  stats_.events.add(anomaly);
  fatal_anomaly_ = anomaly;
  return DecodeStatus::malformed;
}

DecodeStatus Decoder::skip(DecodeAnomaly anomaly) {
  if (anomaly != DecodeAnomaly::none) note(anomaly);
  return DecodeStatus::skipped;
}

DecodeStatus Decoder::defragment(const Fragment& fragment, unsigned ipv6_seen, DecodedPacket& out) {
  const DefragResult r = defrag_.add(fragment, stats_.defrag);
  if (r.anomaly != DecodeAnomaly::none) note(r.anomaly);
  if (r.outcome != DefragOutcome::complete) return DecodeStatus::held;
  out.reassembled = true;
  out.ttl = r.ttl;
  if (fragment.key.version == 4) return decode_transport(r.next_protocol, r.datagram, out);
  return decode_ipv6_chain(r.next_protocol, r.datagram, ipv6_seen, out);
}

}  // namespace spanwatch::decode
