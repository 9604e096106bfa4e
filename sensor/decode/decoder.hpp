#pragma once
// Frame → DecodedPacket: link layer (Ethernet with VLAN/QinQ, raw IP, BSD loopback, Linux cooked v1/v2),
// IPv4 (with defragmentation), IPv6 (extension headers, defragmentation), TCP, UDP, ICMP.
// Never throws, never allocates after construction, never reads outside the frame: each header is
// length-checked once, then read with unchecked loads.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/packet_view.hpp"
#include "core/timestamp.hpp"
#include "decode/decode_anomaly.hpp"
#include "decode/decode_options.hpp"
#include "decode/decode_stats.hpp"
#include "decode/decoded_packet.hpp"
#include "decode/defragmenter.hpp"

namespace spanwatch::decode {

// DLT_* link types (libpcap's numbers; pcap.h is not included here on purpose).
namespace linktype {
constexpr int null = 0;
constexpr int en10mb = 1;
constexpr int raw = 12;
constexpr int linktype_raw = 101;
constexpr int loop = 108;
constexpr int linux_sll = 113;
constexpr int ipv4 = 228;
constexpr int ipv6 = 229;
constexpr int linux_sll2 = 276;
}  // namespace linktype

enum class DecodeStatus : std::uint8_t {
  ok,         // `out` describes the packet (possibly a reassembled datagram)
  held,       // an IP fragment went to the defragmenter and nothing is complete yet (if it was dropped
              // at a limit rather than stored, `anomaly` says so)
  skipped,    // not IP (ARP, LLDP, STP, unknown link type ...), counted
  malformed,  // truncated or invalid; `anomaly` says where
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::ok;
  DecodeAnomaly anomaly = DecodeAnomaly::none;  // the fatal one when malformed, else the first one seen
};

class Decoder {
 public:
  explicit Decoder(const DecodeOptions& options = {});
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Fills `out` when ok. Its spans point into `packet.data`, or into the defragmenter's buffer when
  // out.reassembled; either way they are valid until the next call.
  DecodeResult decode(const core::PacketView& packet, DecodedPacket& out);
  // Drops defragmentation trackers idle for the timeout or longer (counted as timeouts).
  void expire(core::Timestamp now);
  const DecodeStats& stats() const { return stats_; }

 private:
  // Link layers (link.cpp).
  DecodeStatus decode_ethernet(core::Bytes frame, DecodedPacket& out);
  DecodeStatus decode_ethertype(std::uint16_t ethertype, core::Bytes rest, DecodedPacket& out);
  DecodeStatus decode_raw(int type, core::Bytes frame, DecodedPacket& out);
  DecodeStatus decode_null(core::Bytes frame, DecodedPacket& out);
  DecodeStatus decode_sll(core::Bytes frame, DecodedPacket& out);
  DecodeStatus decode_sll2(core::Bytes frame, DecodedPacket& out);
  // Network layers (ipv4.cpp, ipv6.cpp).
  DecodeStatus decode_ipv4(core::Bytes packet, DecodedPacket& out);
  DecodeStatus decode_ipv6(core::Bytes packet, DecodedPacket& out);
  // Walks IPv6 extension headers from `next_header` at the start of `rest`; `seen` carries the
  // headers met so far (bit per kind) across a reassembly.
  DecodeStatus decode_ipv6_chain(std::uint8_t next_header, core::Bytes rest, unsigned seen, DecodedPacket& out);
  DecodeStatus decode_ipv6_fragment(core::Bytes rest, unsigned seen, DecodedPacket& out);
  // Hands an IPv4 fragment or an IPv6 fragmentable part to the defragmenter; decodes the datagram
  // when this fragment completes it.
  DecodeStatus defragment(const Fragment& fragment, unsigned ipv6_seen, DecodedPacket& out);
  void check_ipv4_options(const std::uint8_t* options, std::size_t size);
  // Transport (transport.cpp).
  DecodeStatus decode_transport(std::uint8_t protocol, core::Bytes segment, DecodedPacket& out);
  DecodeStatus decode_tcp(core::Bytes segment, DecodedPacket& out);
  DecodeStatus decode_udp(core::Bytes segment, DecodedPacket& out);
  DecodeStatus decode_icmp(core::Bytes message, Transport transport, DecodedPacket& out);
  void parse_tcp_options(const std::uint8_t* options, std::size_t size, TcpInfo& tcp);

  // Records an anomaly that does not stop decoding.
  void note(DecodeAnomaly anomaly);
  // Records the anomaly that stops decoding; returns malformed.
  DecodeStatus fail(DecodeAnomaly anomaly);
  DecodeStatus skip(DecodeAnomaly anomaly);

  DecodeOptions options_;
  DecodeStats stats_;
  Defragmenter defrag_;
  DecodeAnomaly first_anomaly_ = DecodeAnomaly::none;
  DecodeAnomaly fatal_anomaly_ = DecodeAnomaly::none;
};

}  // namespace spanwatch::decode
