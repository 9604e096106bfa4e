#include "flow/community_id.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <utility>

#include "core/digest.hpp"

namespace spanwatch::flow {
namespace {

constexpr std::uint8_t icmpv4 = 1, tcp = 6, udp = 17, icmpv6 = 58, sctp = 132;

bool has_ports(std::uint8_t protocol) {
  return protocol == tcp || protocol == udp || protocol == sctp || protocol == icmpv4 || protocol == icmpv6;
}

struct IcmpPorts {
  std::uint16_t source;
  std::uint16_t destination;
  bool one_way;
};

// The spec's ICMP "port" mapping: request/reply pairs hash like a conversation (type, counterpart
// type); every other message is one-way (type, code) and keeps its direction.
IcmpPorts icmp_ports(std::uint8_t protocol, std::uint16_t type, std::uint16_t code) {
  struct Pair {
    std::uint8_t type, counterpart;
  };
  static constexpr Pair v4[] = {{8, 0}, {0, 8}, {13, 14}, {14, 13}, {15, 16}, {16, 15}, {10, 9}, {17, 18}, {18, 17}};
  static constexpr Pair v6[] = {{128, 129}, {129, 128}, {133, 134}, {134, 133}, {135, 136}, {136, 135},
                                {130, 131}, {131, 130}, {139, 140}, {140, 139}, {144, 145}, {145, 144}};
  auto lookup = [&](const auto& table) -> IcmpPorts {
    for (const Pair& pair : table) {
      if (pair.type == type) return {type, pair.counterpart, false};
    }
    return {type, code, true};
  };
  return protocol == icmpv4 ? lookup(v4) : lookup(v6);
}

bool is_less(const core::IpAddress& a, const core::IpAddress& b, std::uint16_t port_a, std::uint16_t port_b) {
  const int order = std::memcmp(a.data(), b.data(), a.size());
  return order < 0 || (order == 0 && port_a < port_b);
}

void put(std::uint8_t*& out, const std::uint8_t* bytes, std::size_t n) {
  std::memcpy(out, bytes, n);
  out += n;
}
void put16(std::uint8_t*& out, std::uint16_t value) {
  *out++ = static_cast<std::uint8_t>(value >> 8);
  *out++ = static_cast<std::uint8_t>(value);
}

}  // namespace

std::string_view write_community_id(const CommunityIdTuple& tuple, char* buffer, std::uint16_t seed) {
  const core::IpAddress* source = &tuple.source;
  const core::IpAddress* destination = &tuple.destination;
  std::uint16_t source_port = tuple.source_port;
  std::uint16_t destination_port = tuple.destination_port;
  bool one_way = false;
  if (tuple.ip_protocol == icmpv4 || tuple.ip_protocol == icmpv6) {
    const IcmpPorts ports = icmp_ports(tuple.ip_protocol, source_port, destination_port);
    source_port = ports.source;
    destination_port = ports.destination;
    one_way = ports.one_way;
  }
  if (!one_way && !is_less(*source, *destination, source_port, destination_port)) {
    std::swap(source, destination);
    std::swap(source_port, destination_port);
  }

  // seed(2) + two addresses (up to 2 x 16) + protocol + padding + ports(4): at most 40 bytes.
  std::uint8_t input[40];
  std::uint8_t* out = input;
  put16(out, seed);
  put(out, source->data(), source->size());
  put(out, destination->data(), destination->size());
  *out++ = tuple.ip_protocol;
  *out++ = 0;
  if (has_ports(tuple.ip_protocol)) {
    put16(out, source_port);
    put16(out, destination_port);
  }
  unsigned char digest[SHA_DIGEST_LENGTH];
  // SHA1() as fallback, should the fetched algorithm be unavailable (the id must not change).
  const std::size_t size = static_cast<std::size_t>(out - input);
  if (!core::sha1(input, size, digest)) SHA1(input, size, digest);

  buffer[0] = '1';
  buffer[1] = ':';
  // EVP_EncodeBlock writes 28 characters and a NUL: 31 bytes with the prefix.
  const int encoded = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(buffer + 2), digest, SHA_DIGEST_LENGTH);
  return {buffer, 2 + static_cast<std::size_t>(encoded)};
}

CommunityIdTuple community_id_tuple(const Flow& flow) {
  if (flow.key.ip_protocol == icmpv4 || flow.key.ip_protocol == icmpv6) {
    // The first packet's sender is the client of an ICMP flow (client_heuristic.hpp), which is the
    // source the spec wants for one-way messages.
    return {flow.client_address(), flow.server_address(), flow.key.ip_protocol, flow.icmp_type, flow.icmp_code};
  }
  return {flow.client_address(), flow.server_address(), flow.key.ip_protocol, flow.client_port(), flow.server_port()};
}

}  // namespace spanwatch::flow
