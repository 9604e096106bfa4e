#pragma once
// SMB2/3 records (MS-SMB2 2.2): the 64-byte header, NEGOTIATE, SESSION_SETUP, TREE_CONNECT, and
// the transform header of encrypted SMB3 (recognised only). Pure functions: views into `message`
// (one SMB2 message starting at its header), valid as long as it; nullopt when malformed.
#include <array>
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"

namespace spanwatch::proto::smb {

enum class Smb2Command : std::uint16_t {
  negotiate = 0, session_setup = 1, logoff = 2, tree_connect = 3, tree_disconnect = 4, create = 5,
  close = 6, flush = 7, read = 8, write = 9, lock = 10, ioctl = 11, cancel = 12, echo = 13,
  query_directory = 14, change_notify = 15, query_info = 16, set_info = 17, oplock_break = 18,
};

namespace smb2_flag {
constexpr std::uint32_t response = 0x1, async = 0x2, signed_message = 0x8;
}

constexpr std::size_t smb2_header_size = 64;

struct Smb2Header {
  std::uint32_t status = 0;
  Smb2Command command = Smb2Command::negotiate;
  std::uint32_t flags = 0;
  std::uint32_t next_command = 0;  // offset of the next compounded message, 0 for the last
  std::uint64_t message_id = 0;
  std::uint32_t tree_id = 0;       // sync messages only
  std::uint64_t session_id = 0;
  bool response() const { return (flags & smb2_flag::response) != 0; }
};

std::optional<Smb2Header> parse_smb2_header(core::Bytes message);

struct Smb2NegotiateRequest {
  std::uint16_t security_mode = 0;
  core::Bytes dialects;  // dialect_count little-endian u16 values
  std::uint16_t dialect_count = 0;
  std::uint16_t dialect(std::size_t i) const {
    return static_cast<std::uint16_t>(dialects[2 * i] | (dialects[2 * i + 1] << 8));
  }
};
struct Smb2NegotiateResponse {
  std::uint16_t security_mode = 0;  // 1: signing enabled, 2: signing required
  std::uint16_t dialect = 0;
  std::array<std::uint8_t, 16> server_guid{};
  std::uint32_t max_read_size = 0;
  std::uint32_t max_write_size = 0;
  core::Bytes security_blob;
};
struct Smb2SessionSetupRequest {
  std::uint8_t flags = 0;  // 1: session binding
  std::uint64_t previous_session_id = 0;
  core::Bytes security_blob;
};
struct Smb2SessionSetupResponse {
  std::uint16_t session_flags = 0;  // 1: guest, 2: null, 4: encrypt data
  core::Bytes security_blob;
};
struct Smb2TreeConnectRequest {
  core::Bytes path;  // UTF-16LE
};
struct Smb2TreeConnectResponse {
  std::uint8_t share_type = 0;  // 1 disk, 2 pipe, 3 print
};

// Each parses the body after the header of `message` (which starts at the SMB2 header).
std::optional<Smb2NegotiateRequest> parse_smb2_negotiate_request(core::Bytes message);
std::optional<Smb2NegotiateResponse> parse_smb2_negotiate_response(core::Bytes message);
std::optional<Smb2SessionSetupRequest> parse_smb2_session_setup_request(core::Bytes message);
std::optional<Smb2SessionSetupResponse> parse_smb2_session_setup_response(core::Bytes message);
std::optional<Smb2TreeConnectRequest> parse_smb2_tree_connect_request(core::Bytes message);
std::optional<Smb2TreeConnectResponse> parse_smb2_tree_connect_response(core::Bytes message);

// SMB3 TRANSFORM_HEADER (2.2.41): 52 bytes, then the encrypted message of original_size bytes.
struct Smb2TransformHeader {
  std::uint32_t original_size = 0;
  std::uint64_t session_id = 0;
};
std::optional<Smb2TransformHeader> parse_smb2_transform_header(core::Bytes message);

// "2.02", "2.10", "3.00", "3.02", "3.11", "2.??" (wildcard), or "unknown".
std::string_view smb2_dialect_name(std::uint16_t dialect);

}  // namespace spanwatch::proto::smb
