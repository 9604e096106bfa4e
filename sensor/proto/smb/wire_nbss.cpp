#include "proto/smb/wire_nbss.hpp"

namespace spanwatch::proto::smb {

std::optional<NbssHeader> parse_nbss_header(core::Bytes four_bytes) {
  if (four_bytes.size() < nbss_header_size) return std::nullopt;
  core::ByteReader reader(four_bytes);
  const std::uint8_t type = reader.u8();
  const std::uint32_t length = reader.be24();
  switch (static_cast<NbssType>(type)) {
    case NbssType::session_message:
      return NbssHeader{NbssType::session_message, length};
    case NbssType::session_request:
    case NbssType::positive_response:
    case NbssType::negative_response:
    case NbssType::retarget_response:
    case NbssType::keep_alive:
      // Only the length extension bit may be set in the flags byte of these.
      if (length > 0x1ffff) return std::nullopt;
      return NbssHeader{static_cast<NbssType>(type), length};
  }
  return std::nullopt;
}

SmbMagic classify_magic_byte(std::uint8_t first) {
  switch (first) {
    case 0xff: return SmbMagic::smb1;
    case 0xfe: return SmbMagic::smb2;
    case 0xfd: return SmbMagic::transform;
    default: return SmbMagic::none;
  }
}

SmbMagic classify_magic(core::Bytes message) {
  if (message.size() < 4 || message[1] != 'S' || message[2] != 'M' || message[3] != 'B') return SmbMagic::none;
  return classify_magic_byte(message[0]);
}

}  // namespace spanwatch::proto::smb
