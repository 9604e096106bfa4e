#pragma once
// NetBIOS session service framing (RFC 1002 4.3; MS-SMB2 2.1 direct TCP): a 4-byte header, type then
// a big-endian length (17 bits for NBSS, 24 bits for direct TCP: both accepted), then the message.
// Pure functions over bytes; nothing is kept.
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"

namespace spanwatch::proto::smb {

enum class NbssType : std::uint8_t {
  session_message = 0x00,
  session_request = 0x81,
  positive_response = 0x82,
  negative_response = 0x83,
  retarget_response = 0x84,
  keep_alive = 0x85,
};

struct NbssHeader {
  NbssType type = NbssType::session_message;
  std::uint32_t length = 0;  // bytes after the 4-byte header
};

constexpr std::size_t nbss_header_size = 4;

// The header in `four_bytes` (exactly 4), or nullopt for an unknown type or a non-message with flags.
std::optional<NbssHeader> parse_nbss_header(core::Bytes four_bytes);

// Which SMB dialect family a message's first byte announces (before "SMB").
enum class SmbMagic : std::uint8_t { none, smb1, smb2, transform };
SmbMagic classify_magic_byte(std::uint8_t first);
// The family of a message starting with \xffSMB / \xfeSMB / \xfdSMB, or none (needs 4 bytes).
SmbMagic classify_magic(core::Bytes message);

}  // namespace spanwatch::proto::smb
