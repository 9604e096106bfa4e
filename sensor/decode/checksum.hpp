#pragma once
// The TCP checksum (RFC 793 / RFC 8200 §8.1 pseudo-header, RFC 1071 sum). Not computed while
// decoding: the stream engine asks for it only for segments it is about to reassemble, so bypassed
// bulk traffic costs nothing (see flow/tcp/reassembly_options.hpp, checksum_validation).
#include "decode/decoded_packet.hpp"

namespace spanwatch::decode {

// Whether a decoded TCP packet's checksum is right. The decoder only passes on segments the capture
// holds whole (a truncated IP datagram fails to decode), so the sum always covers the real bytes.
// IPv6 with a routing header is summed with the header's destination, not the final one (rare;
// such a segment counts as bad).
bool tcp_checksum_valid(const DecodedPacket& packet);

}  // namespace spanwatch::decode
