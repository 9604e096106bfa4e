#include "proto/smb/wire_smb1.hpp"

#include <cstring>

#include "proto/smb/nt_status.hpp"
#include "proto/smb/wire_nbss.hpp"

namespace spanwatch::proto::smb {
namespace {

// A NUL-terminated string in `bytes` from `at`: two-byte units (and a two-byte NUL) when unicode.
// Unicode strings start on an even offset from the header (`base` is the offset of bytes[0]).
// Returns the string and moves `at` past its terminator; an unterminated string runs to the end.
core::Bytes take_string(core::Bytes bytes, std::size_t base, std::size_t& at, bool unicode) {
  if (at >= bytes.size()) return {};
  if (unicode && ((base + at) & 1)) ++at;
  const std::size_t start = at;
  if (unicode) {
    while (at + 1 < bytes.size() && (bytes[at] != 0 || bytes[at + 1] != 0)) at += 2;
    const core::Bytes out = bytes.subspan(start, std::min(at, bytes.size()) - start);
    at = std::min(at + 2, bytes.size());
    return out;
  }
  while (at < bytes.size() && bytes[at] != 0) ++at;
  const core::Bytes out = bytes.subspan(start, at - start);
  at = std::min(at + 1, bytes.size());
  return out;
}

}  // namespace

std::optional<Smb1Header> parse_smb1_header(core::Bytes message) {
  if (classify_magic(message) != SmbMagic::smb1 || message.size() < smb1_header_size) return std::nullopt;
  core::ByteReader r(message.subspan(4));
  Smb1Header h;
  h.command = r.u8();
  const core::Bytes status = r.take(4);
  h.flags = r.u8();
  h.flags2 = r.le16();
  r.skip(2 + 8 + 2);  // PIDHigh, SecurityFeatures, Reserved
  h.tid = r.le16();
  h.pid = r.le16();
  h.uid = r.le16();
  h.mid = r.le16();
  if (!r.ok()) return std::nullopt;
  if (h.flags2 & smb1_flag::flags2_nt_status) {
    h.status = nt_status(static_cast<std::uint32_t>(status[0] | (status[1] << 8) | (status[2] << 16)) |
                         (std::uint32_t{status[3]} << 24));
  } else {
    h.status = dos_status(status[0], static_cast<std::uint16_t>(status[2] | (status[3] << 8)));
  }
  return h;
}

std::optional<Smb1Block> parse_smb1_block(core::Bytes message, std::size_t offset) {
  if (offset < smb1_header_size || offset >= message.size()) return std::nullopt;
  core::ByteReader r(message.subspan(offset));
  Smb1Block block;
  block.offset = offset;
  block.word_count = r.u8();
  block.words = r.take(std::size_t{block.word_count} * 2);
  const std::uint16_t byte_count = r.le16();
  block.bytes_offset = offset + r.offset();
  // Some stacks send a ByteCount larger than the message: keep what is there.
  block.bytes = r.ok() ? r.take(std::min<std::size_t>(byte_count, r.remaining())) : core::Bytes{};
  if (!r.ok()) return std::nullopt;
  return block;
}

std::optional<Smb1AndX> parse_smb1_andx(const Smb1Block& block) {
  if (block.word_count < 2) return std::nullopt;
  core::ByteReader r(block.words);
  Smb1AndX out;
  out.command = r.u8();
  r.u8();
  out.offset = r.le16();
  return out;
}

std::optional<std::string_view> next_smb1_dialect(core::ByteReader& dialects) {
  if (dialects.empty() || dialects.u8() != 0x02) return std::nullopt;  // BufferFormat: dialect
  const core::Bytes rest = dialects.rest();
  const void* nul = std::memchr(rest.data(), 0, rest.size());
  const std::size_t length = nul ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - rest.data())
                                 : rest.size();
  const std::string_view name = core::as_chars(rest.first(length));
  dialects.skip(std::min(length + 1, rest.size()));
  return name;
}

std::optional<Smb1NegotiateResponse> parse_smb1_negotiate_response(const Smb1Block& block) {
  core::ByteReader r(block.words);
  Smb1NegotiateResponse out;
  out.dialect_index = r.le16();
  if (!r.ok()) return std::nullopt;
  if (block.word_count != 17) return out;
  out.nt_lm = true;
  out.security_mode = r.u8();
  r.skip(2 + 2 + 4 + 4 + 4);  // MaxMpxCount, MaxNumberVcs, MaxBufferSize, MaxRawSize, SessionKey
  out.capabilities = r.le32();
  if (!r.ok()) return std::nullopt;
  return out;
}

std::optional<Smb1SessionSetupRequest> parse_smb1_session_setup_request(const Smb1Header& header,
                                                                        const Smb1Block& block) {
  core::ByteReader r(block.words);
  r.skip(4 + 2 + 2 + 2 + 4);  // AndX, MaxBufferSize, MaxMpxCount, VcNumber, SessionKey
  Smb1SessionSetupRequest out;
  out.unicode = header.unicode();
  std::size_t at = 0;
  if (block.word_count == 12) {  // extended security (MS-SMB 2.2.4.6.1)
    const std::uint16_t blob_length = r.le16();
    if (!r.ok() || blob_length > block.bytes.size()) return std::nullopt;
    out.extended_security = true;
    out.security_blob = block.bytes.first(blob_length);
    at = blob_length;
  } else if (block.word_count == 13) {  // NT LM 0.12 (MS-CIFS 2.2.4.53.1)
    const std::uint16_t oem_length = r.le16();
    const std::uint16_t unicode_length = r.le16();
    if (!r.ok() || std::size_t{oem_length} + unicode_length > block.bytes.size()) return std::nullopt;
    out.oem_password = block.bytes.first(oem_length);
    out.unicode_password = block.bytes.subspan(oem_length, unicode_length);
    at = std::size_t{oem_length} + unicode_length;
    out.account = take_string(block.bytes, block.bytes_offset, at, out.unicode);
    out.domain = take_string(block.bytes, block.bytes_offset, at, out.unicode);
  } else if (block.word_count == 10) {  // LANMAN dialects: one password, OEM strings
    const std::uint16_t password_length = r.le16();
    if (!r.ok() || password_length > block.bytes.size()) return std::nullopt;
    out.oem_password = block.bytes.first(password_length);
    at = password_length;
    out.unicode = false;
    out.account = take_string(block.bytes, block.bytes_offset, at, false);
    out.domain = take_string(block.bytes, block.bytes_offset, at, false);
  } else {
    return std::nullopt;
  }
  out.native_os = take_string(block.bytes, block.bytes_offset, at, out.unicode);
  out.native_lm = take_string(block.bytes, block.bytes_offset, at, out.unicode);
  return out;
}

std::optional<Smb1SessionSetupResponse> parse_smb1_session_setup_response(const Smb1Block& block) {
  Smb1SessionSetupResponse out;
  if (block.word_count == 0) return out;  // error responses carry no parameters
  core::ByteReader r(block.words);
  r.skip(4);
  out.action = r.le16();
  if (block.word_count == 4) {
    const std::uint16_t blob_length = r.le16();
    if (!r.ok() || blob_length > block.bytes.size()) return std::nullopt;
    out.security_blob = block.bytes.first(blob_length);
  }
  if (!r.ok()) return std::nullopt;
  return out;
}

std::optional<Smb1TreeConnectRequest> parse_smb1_tree_connect_request(const Smb1Header& header,
                                                                      const Smb1Block& block) {
  if (block.word_count != 4) return std::nullopt;
  core::ByteReader r(block.words);
  r.skip(4 + 2);  // AndX, Flags
  const std::uint16_t password_length = r.le16();
  if (!r.ok() || password_length > block.bytes.size()) return std::nullopt;
  Smb1TreeConnectRequest out;
  out.unicode = header.unicode();
  std::size_t at = password_length;
  out.path = take_string(block.bytes, block.bytes_offset, at, out.unicode);
  out.service = take_string(block.bytes, block.bytes_offset, at, false);
  return out;
}

}  // namespace spanwatch::proto::smb
