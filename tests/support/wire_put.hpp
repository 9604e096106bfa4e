#pragma once
// Little-endian and 24-bit appenders and UTF-16LE text, for the protocol builders (SMB2 and NTLMSSP
// are little-endian, TLS has 24-bit lengths). The big-endian put16/put32 live in packet_builder.hpp.
#include <cstdint>
#include <string_view>

#include "support/packet_builder.hpp"

namespace spanwatch::testing {

inline void put8(Frame& f, std::uint8_t v) { f.push_back(v); }
inline void put24(Frame& f, std::uint32_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 16));
  put16(f, static_cast<std::uint16_t>(v));
}
inline void put_le16(Frame& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v));
  f.push_back(static_cast<std::uint8_t>(v >> 8));
}
inline void put_le32(Frame& f, std::uint32_t v) {
  put_le16(f, static_cast<std::uint16_t>(v));
  put_le16(f, static_cast<std::uint16_t>(v >> 16));
}
inline void put_le64(Frame& f, std::uint64_t v) {
  put_le32(f, static_cast<std::uint32_t>(v));
  put_le32(f, static_cast<std::uint32_t>(v >> 32));
}
// Overwrites a little-endian 16/32-bit field already appended at `at`.
inline void patch_le16(Frame& f, std::size_t at, std::uint16_t v) {
  f[at] = static_cast<std::uint8_t>(v);
  f[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
inline void patch_le32(Frame& f, std::size_t at, std::uint32_t v) {
  patch_le16(f, at, static_cast<std::uint16_t>(v));
  patch_le16(f, at + 2, static_cast<std::uint16_t>(v >> 16));
}
inline void patch_be16(Frame& f, std::size_t at, std::uint16_t v) {
  f[at] = static_cast<std::uint8_t>(v >> 8);
  f[at + 1] = static_cast<std::uint8_t>(v);
}
inline void patch_be24(Frame& f, std::size_t at, std::uint32_t v) {
  f[at] = static_cast<std::uint8_t>(v >> 16);
  patch_be16(f, at + 1, static_cast<std::uint16_t>(v));
}

// ASCII text as UTF-16LE, the encoding SMB2 and NTLMSSP use for names (test inputs are ASCII).
inline Frame utf16le(std::string_view ascii) {
  Frame out;
  out.reserve(ascii.size() * 2);
  for (const char c : ascii) put_le16(out, static_cast<std::uint8_t>(c));
  return out;
}

// Documentation addresses: 2001:db8::<tail> (RFC 3849).
inline Address documentation_v6(std::uint32_t tail) {
  Address a = Address::v6_simple(0x2001, tail);
  a.bytes[2] = 0x0d;
  a.bytes[3] = 0xb8;
  return a;
}

}  // namespace spanwatch::testing
