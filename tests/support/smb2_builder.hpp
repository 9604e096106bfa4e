#pragma once
// SMB2 messages over direct TCP (MS-SMB2 2.1, 2.2): the 4-byte NetBIOS session header, the 64-byte
// sync header, NEGOTIATE, SESSION_SETUP and the ERROR response a failed SESSION_SETUP carries.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "support/wire_put.hpp"

namespace spanwatch::testing::smb2 {

enum class Command : std::uint16_t { negotiate = 0, session_setup = 1, logoff = 2, tree_connect = 3 };

namespace status {
constexpr std::uint32_t success = 0x00000000, more_processing_required = 0xC0000016,
                        logon_failure = 0xC000006D, access_denied = 0xC0000022;
}
namespace dialect {
constexpr std::uint16_t smb202 = 0x0202, smb210 = 0x0210, smb300 = 0x0300, smb302 = 0x0302;
}
namespace header_flag {
constexpr std::uint32_t server_to_redir = 0x00000001, signed_message = 0x00000008;
}

struct Header {
  Command command = Command::negotiate;
  bool response = false;
  std::uint32_t status = status::success;
  std::uint64_t message_id = 0;
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
  std::uint16_t credit_charge = 1;
  std::uint16_t credits = 1;  // requested (request) or granted (response)
  std::uint32_t flags = 0;    // server_to_redir is added for responses
  std::array<std::uint8_t, 16> signature{};
};

inline Frame header(const Header& h) {
  Frame f;
  append(f, Frame{0xfe, 'S', 'M', 'B'});
  put_le16(f, 64);
  put_le16(f, h.credit_charge);
  put_le32(f, h.response ? h.status : 0);  // requests: ChannelSequence/Reserved
  put_le16(f, static_cast<std::uint16_t>(h.command));
  put_le16(f, h.credits);
  put_le32(f, h.flags | (h.response ? header_flag::server_to_redir : 0));
  put_le32(f, 0);  // NextCommand: no compounding
  put_le64(f, h.message_id);
  put_le32(f, 0xfeff);  // Reserved (ProcessId)
  put_le32(f, h.tree_id);
  put_le64(f, h.session_id);
  append(f, h.signature.data(), h.signature.size());
  return f;
}

// Header + body, prefixed with the direct-TCP transport header (zero byte + 24-bit length).
inline Frame message(const Header& h, std::span<const std::uint8_t> body) {
  Frame m = header(h);
  m.insert(m.end(), body.begin(), body.end());
  Frame out;
  put8(out, 0);
  put24(out, static_cast<std::uint32_t>(m.size()));
  append(out, m);
  return out;
}

inline Frame negotiate_request(const std::vector<std::uint16_t>& dialects, const std::array<std::uint8_t, 16>& guid) {
  Frame b;
  put_le16(b, 36);
  put_le16(b, static_cast<std::uint16_t>(dialects.size()));
  put_le16(b, 0x0001);  // SecurityMode: signing enabled
  put_le16(b, 0);
  put_le32(b, 0x0000007f);  // Capabilities
  append(b, guid.data(), guid.size());
  put_le64(b, 0);  // ClientStartTime (no 3.1.1 negotiate contexts)
  for (const auto d : dialects) put_le16(b, d);
  return b;
}

inline Frame negotiate_response(std::uint16_t dialect, const std::array<std::uint8_t, 16>& server_guid,
                                std::uint64_t system_filetime, std::span<const std::uint8_t> security_blob) {
  Frame b;
  put_le16(b, 65);
  put_le16(b, 0x0001);  // signing enabled
  put_le16(b, dialect);
  put_le16(b, 0);
  append(b, server_guid.data(), server_guid.size());
  put_le32(b, 0x00000007);  // DFS | LEASING | LARGE_MTU
  put_le32(b, 8388608);     // MaxTransactSize
  put_le32(b, 8388608);     // MaxReadSize
  put_le32(b, 8388608);     // MaxWriteSize
  put_le64(b, system_filetime);
  put_le64(b, 0);  // ServerStartTime
  put_le16(b, 64 + 64);
  put_le16(b, static_cast<std::uint16_t>(security_blob.size()));
  put_le32(b, 0);
  b.insert(b.end(), security_blob.begin(), security_blob.end());
  return b;
}

inline Frame session_setup_request(std::span<const std::uint8_t> security_blob) {
  Frame b;
  put_le16(b, 25);
  put8(b, 0);  // Flags
  put8(b, 0x01);  // SecurityMode: signing enabled
  put_le32(b, 0x00000001);  // Capabilities: DFS
  put_le32(b, 0);           // Channel
  put_le16(b, 64 + 24);
  put_le16(b, static_cast<std::uint16_t>(security_blob.size()));
  put_le64(b, 0);  // PreviousSessionId
  b.insert(b.end(), security_blob.begin(), security_blob.end());
  return b;
}

inline Frame session_setup_response(std::span<const std::uint8_t> security_blob, std::uint16_t session_flags = 0) {
  Frame b;
  put_le16(b, 9);
  put_le16(b, session_flags);
  put_le16(b, 64 + 8);
  put_le16(b, static_cast<std::uint16_t>(security_blob.size()));
  b.insert(b.end(), security_blob.begin(), security_blob.end());
  return b;
}

// SMB2 ERROR response (2.2.2) with no error data: what a server sends with STATUS_LOGON_FAILURE.
inline Frame error_response() { return Frame{9, 0, 0, 0, 0, 0, 0, 0, 0}; }

}  // namespace spanwatch::testing::smb2
