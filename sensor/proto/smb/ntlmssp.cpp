#include "proto/smb/ntlmssp.hpp"

#include <algorithm>

#include <boost/locale/utf.hpp>

namespace spanwatch::proto::smb {
namespace {

constexpr std::uint8_t signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
constexpr std::size_t header_size = 12;  // signature + message type
// AUTHENTICATE: header, six (Len, MaxLen, Offset) fields and NegotiateFlags; VERSION follows.
constexpr std::size_t authenticate_fixed_size = header_size + 6 * 8 + 4;
constexpr std::size_t version_size = 8;

// A (Len, MaxLen, BufferOffset) field resolved against the whole message; nullopt when it points out.
std::optional<core::Bytes> buffer_field(core::ByteReader& reader, core::Bytes message) {
  const std::uint16_t length = reader.le16();
  reader.le16();  // MaxLen: not trusted
  const std::uint32_t offset = reader.le32();
  if (!reader.ok()) return std::nullopt;
  if (length == 0) return core::Bytes{};
  if (offset > message.size() || length > message.size() - offset) return std::nullopt;
  return message.subspan(offset, length);
}

}  // namespace

bool is_ntlmssp(core::Bytes bytes) {
  return bytes.size() >= header_size && std::equal(std::begin(signature), std::end(signature), bytes.begin());
}

std::optional<NtlmMessageType> ntlmssp_message_type(core::Bytes message) {
  if (!is_ntlmssp(message)) return std::nullopt;
  core::ByteReader reader(message.subspan(8));
  const std::uint32_t type = reader.le32();
  if (type < 1 || type > 3) return std::nullopt;
  return static_cast<NtlmMessageType>(type);
}

std::optional<NtlmNegotiate> parse_ntlmssp_negotiate(core::Bytes message) {
  if (ntlmssp_message_type(message) != NtlmMessageType::negotiate) return std::nullopt;
  core::ByteReader reader(message.subspan(header_size));
  NtlmNegotiate out;
  out.flags = reader.le32();
  if (!reader.ok()) return std::nullopt;
  // Old clients send a 16-byte NEGOTIATE without the domain and workstation fields.
  if (reader.remaining() < 16) return out;
  const auto domain = buffer_field(reader, message);
  const auto workstation = buffer_field(reader, message);
  if (!domain || !workstation) return std::nullopt;
  out.domain = *domain;
  out.workstation = *workstation;
  return out;
}

std::optional<NtlmChallenge> parse_ntlmssp_challenge(core::Bytes message) {
  if (ntlmssp_message_type(message) != NtlmMessageType::challenge) return std::nullopt;
  core::ByteReader reader(message.subspan(header_size));
  NtlmChallenge out;
  const auto target = buffer_field(reader, message);
  out.flags = reader.le32();
  out.server_challenge = reader.take(8);
  if (!target || !reader.ok()) return std::nullopt;
  out.target_name = *target;
  return out;
}

std::optional<NtlmAuthenticate> parse_ntlmssp_authenticate(core::Bytes message) {
  if (ntlmssp_message_type(message) != NtlmMessageType::authenticate) return std::nullopt;
  core::ByteReader reader(message.subspan(header_size));
  const auto lm = buffer_field(reader, message);
  const auto nt = buffer_field(reader, message);
  const auto domain = buffer_field(reader, message);
  const auto user = buffer_field(reader, message);
  const auto workstation = buffer_field(reader, message);
  if (!lm || !nt || !domain || !user || !workstation) return std::nullopt;
  NtlmAuthenticate out;
  out.lm_response = *lm;
  out.nt_response = *nt;
  out.domain = *domain;
  out.user = *user;
  out.workstation = *workstation;
  // EncryptedRandomSessionKey then NegotiateFlags; very old messages end before them.
  if (reader.remaining() < 12) {
    out.flags = ntlm_flag::unicode;
    return out;
  }
  const auto session_key = buffer_field(reader, message);
  out.flags = reader.le32();
  if ((out.flags & ntlm_flag::version) == 0 || reader.remaining() < version_size) return out;
  // The flag alone is not trusted: the VERSION bytes must not be part of any field's payload.
  for (const auto& field : {*lm, *nt, *domain, *user, *workstation, session_key.value_or(core::Bytes{})}) {
    if (!field.empty() && field.data() < message.data() + authenticate_fixed_size + version_size) return out;
  }
  out.version.present = true;
  out.version.major = reader.u8();
  out.version.minor = reader.u8();
  out.version.build = reader.le16();
  reader.skip(3);  // reserved
  out.version.ntlm_revision = reader.u8();
  return out;
}

events::smb::NtlmVersion ntlm_version_of(const NtlmAuthenticate& message) {
  using events::smb::NtlmVersion;
  if (message.nt_response.size() > 24) return NtlmVersion::v2;
  if (message.nt_response.size() == 24) return NtlmVersion::v1;
  if (message.lm_response.size() == 24) return NtlmVersion::lm;
  return NtlmVersion::none;
}

bool is_anonymous(const NtlmAuthenticate& message) {
  if (!message.user.empty() || !message.nt_response.empty()) return false;
  return message.lm_response.empty() || (message.lm_response.size() == 1 && message.lm_response[0] == 0);
}

std::string_view utf16le_to_utf8(core::Bytes utf16, std::span<char> out) {
  using Utf16 = boost::locale::utf::utf_traits<char16_t>;
  using Utf8 = boost::locale::utf::utf_traits<char>;
  // Decode in small batches of code units so a name of any length needs no heap.
  std::size_t written = 0;
  std::size_t at = 0;
  char16_t units[64];
  while (at + 1 < utf16.size()) {
    std::size_t count = 0;
    while (count < std::size(units) && at + 1 < utf16.size()) {
      units[count++] = static_cast<char16_t>(utf16[at] | (utf16[at + 1] << 8));
      at += 2;
    }
    const char16_t* p = units;
    const char16_t* end = units + count;
    while (p < end) {
      const char16_t* start = p;
      boost::locale::utf::code_point cp = Utf16::decode(p, end);
      if (cp == boost::locale::utf::incomplete && start != units && at + 1 < utf16.size()) {
        // A surrogate pair split across batches: re-read it with the next batch.
        at -= static_cast<std::size_t>(end - start) * 2;
        break;
      }
      if (cp == boost::locale::utf::illegal || cp == boost::locale::utf::incomplete) {
        // One bad unit becomes U+FFFD; decoding resumes right after it.
        cp = 0xFFFD;
        p = start + 1;
      }
      const int width = Utf8::width(cp);
      if (written + static_cast<std::size_t>(width) > out.size()) return {out.data(), written};
      Utf8::encode(cp, out.data() + written);
      written += static_cast<std::size_t>(width);
    }
  }
  return {out.data(), written};
}

}  // namespace spanwatch::proto::smb
