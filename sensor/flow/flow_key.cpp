#include "flow/flow_key.hpp"

#include <cstring>

namespace spanwatch::flow {
namespace {

std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

// 64x64->128 multiply folded to 64 bits (the "mum" step of wyhash): every input bit reaches every
// output bit in one multiply, which is what makes the low bits usable as a bucket index.
std::uint64_t mum(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

constexpr std::uint64_t secret[5] = {0xa0761d6478bd642full, 0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull,
                                     0x589965cc75374cc3ull, 0x1d8e4e27c47d124full};

}  // namespace

FlowKey FlowKey::of(const decode::DecodedPacket& packet, bool* source_is_low_out) {
  // Only tags that were present count; a decoder may leave stale values behind vlan_count.
  const std::uint16_t vlan[2] = {packet.vlan_count > 0 ? packet.vlan[0] : std::uint16_t{0},
                                 packet.vlan_count > 1 ? packet.vlan[1] : std::uint16_t{0}};
  return of(packet.src, packet.dst, packet.src_port, packet.dst_port, packet.ip_protocol, vlan, source_is_low_out);
}

FlowKey FlowKey::of(const core::IpAddress& src, const core::IpAddress& dst, std::uint16_t src_port,
                    std::uint16_t dst_port, std::uint8_t ip_protocol, const std::uint16_t (&vlan)[2],
                    bool* source_is_low_out) {
  FlowKey key;
  const bool source_low = source_is_low(src, dst, src_port, dst_port);
  if (source_low) {
    key.low_address = src;
    key.high_address = dst;
    key.low_port = src_port;
    key.high_port = dst_port;
  } else {
    key.low_address = dst;
    key.high_address = src;
    key.low_port = dst_port;
    key.high_port = src_port;
  }
  key.vlan[0] = vlan[0];
  key.vlan[1] = vlan[1];
  key.ip_protocol = ip_protocol;
  if (source_is_low_out != nullptr) *source_is_low_out = source_low;
  return key;
}

std::uint64_t FlowKey::hash(std::uint64_t seed) const {
  const std::uint64_t meta = std::uint64_t{low_port} | std::uint64_t{high_port} << 16 |
                             std::uint64_t{vlan[0]} << 32 | std::uint64_t{vlan[1]} << 48;
  const std::uint64_t kind =
      std::uint64_t{ip_protocol} | std::uint64_t{static_cast<std::uint8_t>(low_address.family())} << 8;
  // The seed enters both factors of every step, so without it nobody can craft a zero factor.
  std::uint64_t h = seed ^ secret[0];
  h = mum(load64(low_address.data()) ^ secret[1] ^ h, load64(low_address.data() + 8) ^ secret[2] ^ h);
  h = mum(load64(high_address.data()) ^ secret[3] ^ h, load64(high_address.data() + 8) ^ secret[4] ^ h);
  h = mum(meta ^ secret[1] ^ h, kind ^ secret[2] ^ seed);
  return mum(h ^ secret[3], secret[4]);
}

bool FlowKey::operator==(const FlowKey& other) const {
  // One branch: every lookup compares a key, usually equal.
  return low_address == other.low_address && high_address == other.high_address &&
         ((low_port ^ other.low_port) | (high_port ^ other.high_port) | (vlan[0] ^ other.vlan[0]) |
          (vlan[1] ^ other.vlan[1]) | (ip_protocol ^ other.ip_protocol)) == 0;
}

}  // namespace spanwatch::flow
