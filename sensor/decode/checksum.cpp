#include "decode/checksum.hpp"

#include <cstring>

namespace spanwatch::decode {
namespace {

// One's-complement sum of 16-bit words in host order, 64 bits at a time (the carries fold at the end).
// RFC 1071 §2(B): the sum is byte-order independent, swapped as a whole on little-endian hosts; the
// all-ones result the check looks for reads the same either way, so no swap is needed. Only the last
// piece summed may have an odd length.
std::uint64_t add_words(std::uint64_t sum, const std::uint8_t* p, std::size_t n) {
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    sum += (w & 0xffffffffu) + (w >> 32);
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    sum += w;
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);
    sum += w;
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    const std::uint8_t last[2] = {p[0], 0};  // an odd byte is padded with zero
    std::uint16_t w;
    std::memcpy(&w, last, 2);
    sum += w;
  }
  return sum;
}

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

bool tcp_checksum_valid(const DecodedPacket& packet) {
  const core::Bytes segment = packet.tcp_segment;
  const std::size_t address_bytes = packet.ip_version == 6 ? 16 : 4;
  const auto length = static_cast<std::uint32_t>(segment.size());
  // The IPv6 pseudo-header's tail (be32 length, three zero bytes, next header); for IPv4 it sums the
  // same as (zero, protocol, be16 length).
  const std::uint8_t tail[8] = {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                                static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), 0, 0, 0,
                                packet.ip_protocol};
  std::uint64_t sum = 0;
  sum = add_words(sum, packet.src.data(), address_bytes);
  sum = add_words(sum, packet.dst.data(), address_bytes);
  sum = add_words(sum, tail, sizeof tail);
  sum = add_words(sum, segment.data(), segment.size());
  // The sum over everything, the checksum field included, is all ones when the checksum is right.
  return fold(sum) == 0xffff;
}

}  // namespace spanwatch::decode
