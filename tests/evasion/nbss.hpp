#pragma once
// NetBIOS session service over TCP 139 (RFC 1002 4.3): the session request a client sends before any
// SMB, and the positive response. tests/support frames SMB for direct TCP 445 only.
#include <cstdint>
#include <string_view>

#include "support/wire_put.hpp"

namespace spanwatch::evasion::nbss {

using testing::Frame;

// First-level encoding (RFC 1001 14.1): the name padded to 15 bytes with spaces plus a suffix byte,
// each nibble as 'A' + nibble, with the 0x20 length prefix and the empty scope's 0 terminator.
inline Frame encoded_name(std::string_view name, std::uint8_t suffix) {
  Frame out{0x20};
  for (std::size_t i = 0; i < 16; ++i) {
    const std::uint8_t c = i < 15 ? (i < name.size() ? static_cast<std::uint8_t>(name[i]) : ' ') : suffix;
    out.push_back(static_cast<std::uint8_t>('A' + (c >> 4)));
    out.push_back(static_cast<std::uint8_t>('A' + (c & 0x0f)));
  }
  out.push_back(0);
  return out;
}

inline Frame session_request(std::string_view called, std::string_view calling) {
  Frame names = encoded_name(called, 0x20);  // file server service
  testing::append(names, encoded_name(calling, 0x00));  // workstation
  Frame out{0x81, 0};
  testing::put16(out, static_cast<std::uint16_t>(names.size()));
  testing::append(out, names);
  return out;
}

inline Frame positive_session_response() { return Frame{0x82, 0, 0, 0}; }

}  // namespace spanwatch::evasion::nbss
