#pragma once
// NTLMSSP messages (MS-NLMP 2.2.1): NEGOTIATE, CHALLENGE and AUTHENTICATE. Every (length, offset)
// field is checked against the message before it becomes a view; a field pointing outside the
// message rejects the whole message. Views are valid as long as the message bytes.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/bytes.hpp"
#include "events/smb.hpp"

namespace spanwatch::proto::smb {

enum class NtlmMessageType : std::uint32_t { negotiate = 1, challenge = 2, authenticate = 3 };

namespace ntlm_flag {
constexpr std::uint32_t unicode = 0x00000001, anonymous = 0x00000800, version = 0x02000000;
}

// Starts with "NTLMSSP\0" and a message type.
bool is_ntlmssp(core::Bytes bytes);
std::optional<NtlmMessageType> ntlmssp_message_type(core::Bytes message);

struct NtlmNegotiate {
  std::uint32_t flags = 0;
  core::Bytes domain;       // OEM
  core::Bytes workstation;  // OEM
};
struct NtlmChallenge {
  std::uint32_t flags = 0;
  core::Bytes target_name;  // UTF-16LE when flags has unicode
  core::Bytes server_challenge;
};
struct NtlmAuthenticate {
  std::uint32_t flags = 0;
  core::Bytes lm_response;
  core::Bytes nt_response;
  core::Bytes domain;       // UTF-16LE when unicode(), else OEM
  core::Bytes user;
  core::Bytes workstation;
  events::smb::NtlmsspVersion version;  // when the version flag is set and the field lies before the payload
  bool unicode() const { return (flags & ntlm_flag::unicode) != 0; }
};

std::optional<NtlmNegotiate> parse_ntlmssp_negotiate(core::Bytes message);
std::optional<NtlmChallenge> parse_ntlmssp_challenge(core::Bytes message);
std::optional<NtlmAuthenticate> parse_ntlmssp_authenticate(core::Bytes message);

// v1 for a 24-byte NT response, v2 for a longer one, lm when only the LM response is present.
events::smb::NtlmVersion ntlm_version_of(const NtlmAuthenticate& message);
// Anonymous (MS-NLMP 3.2.5.1.2): no user name and no NT response (the LM response empty or one zero).
bool is_anonymous(const NtlmAuthenticate& message);

// UTF-16LE to UTF-8 into `out`; stops (whole code points only) when `out` is full. An odd trailing
// byte is dropped; unpaired surrogates become U+FFFD. Returns the written prefix of `out`.
std::string_view utf16le_to_utf8(core::Bytes utf16, std::span<char> out);

}  // namespace spanwatch::proto::smb
