#include "decode/checksum.hpp"

#include <cstring>

namespace spanwatch::decode {
namespace {

// One's-complement sum of 16-bit big-endian words, accumulated 32 bits at a time in 64 bits (the
// carries fold at the end): RFC 1071 §4.1's method, endian-neutral because words are loaded as
// big-endian values.
std::uint64_t add_words(std::uint64_t sum, const std::uint8_t* p, std::size_t n) {
  while (n >= 4) {
    sum += (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum += (std::uint32_t{p[0]} << 8) | p[1];
    p += 2;
    n -= 2;
  }
  if (n == 1) sum += std::uint32_t{p[0]} << 8;  // an odd byte is padded with zero
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
  std::uint64_t sum = 0;
  sum = add_words(sum, packet.src.data(), address_bytes);
  sum = add_words(sum, packet.dst.data(), address_bytes);
  sum += packet.ip_protocol;
  sum += segment.size();
  sum = add_words(sum, segment.data(), segment.size());
  // The sum over everything, the checksum field included, is all ones when the checksum is right.
  return fold(sum) == 0xffff;
}

}  // namespace spanwatch::decode
