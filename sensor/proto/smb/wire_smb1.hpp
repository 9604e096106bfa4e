#pragma once
// SMB1 records (MS-CIFS 2.2, MS-SMB 2.2): the 32-byte header, a command block (word count, words,
// byte count, bytes), NEGOTIATE, SESSION_SETUP_ANDX (NT LM 0.12 with and without extended security,
// and the pre-NT form), TREE_CONNECT_ANDX, and AndX chain links. Pure functions: views into the
// message (which starts at \xffSMB), valid as long as it; nullopt when malformed.
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "events/smb.hpp"

namespace spanwatch::proto::smb {

namespace smb1_command {
constexpr std::uint8_t logoff_andx = 0x74, negotiate = 0x72, session_setup_andx = 0x73, tree_connect_andx = 0x75,
                       no_andx = 0xff;
}
namespace smb1_flag {
constexpr std::uint8_t reply = 0x80;
constexpr std::uint16_t flags2_extended_security = 0x0800, flags2_nt_status = 0x4000, flags2_unicode = 0x8000;
}
constexpr std::uint32_t smb1_cap_extended_security = 0x80000000;

constexpr std::size_t smb1_header_size = 32;

struct Smb1Header {
  std::uint8_t command = 0;
  events::smb::Status status;  // NT status, or the DOS class/code mapped (see nt_status.hpp)
  std::uint8_t flags = 0;
  std::uint16_t flags2 = 0;
  std::uint16_t tid = 0, pid = 0, uid = 0, mid = 0;
  bool reply() const { return (flags & smb1_flag::reply) != 0; }
  bool unicode() const { return (flags2 & smb1_flag::flags2_unicode) != 0; }
};

std::optional<Smb1Header> parse_smb1_header(core::Bytes message);

// One command block at `offset` from the header start (the first at 32, AndX ones where they point).
struct Smb1Block {
  std::size_t offset = 0;  // of the WordCount byte, from the header start
  std::uint8_t word_count = 0;
  core::Bytes words;       // 2 * word_count bytes
  core::Bytes bytes;       // ByteCount bytes
  std::size_t bytes_offset = 0;  // of `bytes`, from the header start (Unicode strings align on it)
};
std::optional<Smb1Block> parse_smb1_block(core::Bytes message, std::size_t offset);

// The AndX link every AndX command starts its words with.
struct Smb1AndX {
  std::uint8_t command = smb1_command::no_andx;
  std::uint16_t offset = 0;
};
std::optional<Smb1AndX> parse_smb1_andx(const Smb1Block& block);

// NEGOTIATE request: the dialect strings ("\x02NT LM 0.12\0"...), iterated with next_smb1_dialect.
std::optional<std::string_view> next_smb1_dialect(core::ByteReader& dialects);

struct Smb1NegotiateResponse {
  std::uint16_t dialect_index = 0;  // into the request's list; 0xffff: none acceptable
  std::uint8_t security_mode = 0;   // 0x04 signing enabled, 0x08 signing required
  std::uint32_t capabilities = 0;
  bool nt_lm = false;               // the 17-word NT LM 0.12 form
};
std::optional<Smb1NegotiateResponse> parse_smb1_negotiate_response(const Smb1Block& block);

struct Smb1SessionSetupRequest {
  bool extended_security = false;
  core::Bytes security_blob;       // extended security
  core::Bytes oem_password;        // NT LM 0.12 without extended security: LM (or plaintext) response
  core::Bytes unicode_password;    // NT response (or Unicode plaintext)
  core::Bytes account;             // raw strings: UTF-16LE when unicode, OEM otherwise
  core::Bytes domain;
  core::Bytes native_os;
  core::Bytes native_lm;
  bool unicode = false;
};
std::optional<Smb1SessionSetupRequest> parse_smb1_session_setup_request(const Smb1Header& header, const Smb1Block& block);

struct Smb1SessionSetupResponse {
  std::uint16_t action = 0;  // bit 0: logged in as guest
  core::Bytes security_blob;
};
std::optional<Smb1SessionSetupResponse> parse_smb1_session_setup_response(const Smb1Block& block);

struct Smb1TreeConnectRequest {
  core::Bytes path;     // UTF-16LE when unicode, OEM otherwise
  core::Bytes service;  // OEM ("?????", "IPC", "A:")
  bool unicode = false;
};
std::optional<Smb1TreeConnectRequest> parse_smb1_tree_connect_request(const Smb1Header& header, const Smb1Block& block);

}  // namespace spanwatch::proto::smb
