#pragma once
// CRLF-terminated command/reply lines for FTP (RFC 959) and POP3 (RFC 1939).
#include <cstdint>
#include <string>
#include <string_view>

#include "support/packet_builder.hpp"

namespace spanwatch::testing {

inline Frame line(std::string_view text) {
  Frame f = bytes_of(text);
  f.push_back('\r');
  f.push_back('\n');
  return f;
}

// "h1,h2,h3,h4,p1,p2", the argument of PORT and of a 227 reply.
inline std::string ftp_host_port(const Address& v4, std::uint16_t port) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += std::to_string(v4.bytes[static_cast<std::size_t>(i)]) + ",";
  return s + std::to_string(port >> 8) + "," + std::to_string(port & 0xff);
}

inline Frame ftp_port_command(const Address& v4, std::uint16_t port) { return line("PORT " + ftp_host_port(v4, port)); }

}  // namespace spanwatch::testing
