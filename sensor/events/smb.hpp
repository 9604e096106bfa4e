#pragma once
// SMB facts (MS-CIFS, MS-SMB, MS-SMB2, MS-NLMP, RFC 4178). Filled in by proto/smb/. Every string_view
// and span is valid only during EventSink::emit(); status names are literals owned by the parser.
#include <cstdint>
#include <span>
#include <string_view>

namespace spanwatch::events::smb {

enum class Version : std::uint8_t { smb1 = 1, smb2 = 2 };  // smb2 covers SMB 2.x and 3.x

enum class Mechanism : std::uint8_t { unknown, ntlmssp, kerberos, plaintext, anonymous };
constexpr std::string_view name_of(Mechanism m) {
  switch (m) {
    case Mechanism::ntlmssp: return "ntlmssp";
    case Mechanism::kerberos: return "kerberos";
    case Mechanism::plaintext: return "plaintext";
    case Mechanism::anonymous: return "anonymous";
    default: return "unknown";
  }
}

// NTLM response kind, told by the NT response length (24 bytes: v1, longer: v2) or, for SMB1 without
// extended security, the password fields (MS-CIFS 2.2.4.53).
enum class NtlmVersion : std::uint8_t { none, lm, v1, v2 };
constexpr std::string_view name_of(NtlmVersion v) {
  switch (v) {
    case NtlmVersion::lm: return "lm";
    case NtlmVersion::v1: return "ntlmv1";
    case NtlmVersion::v2: return "ntlmv2";
    default: return "none";
  }
}

// One status type for NT statuses and SMB1 DOS errors: a DOS error is (class << 16) | code with
// `dos` set, e.g. ERRSRV/ERRbadpw = 0x00020002 (named "SRV_BADPW" as Suricata does).
struct Status {
  std::uint32_t code = 0;
  bool dos = false;
  std::string_view name;  // "STATUS_LOGON_FAILURE"; "UNKNOWN" when not in the table
};

// A NEGOTIATE exchange, reported at the response.
struct Negotiate {
  static constexpr std::string_view name = "smb.negotiate";
  Version version = Version::smb2;                  // of the response
  std::span<const std::uint16_t> client_dialects;   // SMB2 dialect revisions offered (SMB1 "SMB 2.x" names mapped)
  std::span<const std::string_view> client_dialect_names;  // "NT LM 0.12", "2.02", "3.1.1"... as offered
  std::uint16_t dialect = 0;        // chosen SMB2 revision (0x0202..0x0311, 0x02ff), or SMB1 dialect index
  std::string_view dialect_name;    // "2.02", "3.1.1", "NT LM 0.12", "unknown"
  bool signing_enabled = false;
  bool signing_required = false;
  bool extended_security = false;   // SMB1: CAP_EXTENDED_SECURITY; SMB2: always
  Status status;
};

// The VERSION structure of an NTLMSSP message (MS-NLMP 2.2.2.10): the client's OS version and the
// NTLMSSP revision, present when NTLMSSP_NEGOTIATE_VERSION is set.
struct NtlmsspVersion {
  bool present = false;
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint16_t build = 0;
  std::uint8_t ntlm_revision = 0;  // 15: NTLMSSP_REVISION_W2K3
};

// One finished SESSION_SETUP: emitted at the final response (success or failure), never for a
// STATUS_MORE_PROCESSING_REQUIRED step. Identity fields come from the matching request. A request
// still unanswered when the flow ends is emitted too, with `answered` false and no status.
struct SessionSetup {
  static constexpr std::string_view name = "smb.session_setup";
  Version version = Version::smb2;
  std::uint16_t dialect = 0;
  std::string_view dialect_name;
  Mechanism mechanism = Mechanism::unknown;
  std::string_view user;         // UTF-8
  std::string_view domain;
  std::string_view workstation;
  bool anonymous = false;        // null session: empty user and no (or empty) responses
  NtlmVersion ntlm_version = NtlmVersion::none;
  NtlmsspVersion ntlmssp_version;  // from the AUTHENTICATE message
  bool password_seen = false;    // SMB1 plaintext password
  std::string_view password;     // masked ("***") unless cleartext logging is on
  std::string_view kerberos_realm;      // from the AP-REQ ticket, when present
  std::string_view kerberos_principal;  // service principal name ("cifs/host")
  std::string_view native_os;    // SMB1 request NativeOS, when present
  std::string_view native_lm;
  Status status;                 // meaningless when !answered
  bool answered = true;          // false: no response was seen before the flow ended
  bool auth_failure = false;     // status is a credential failure (see proto/smb/nt_status.hpp)
  bool final = true;             // always true for emitted events: intermediate legs are not reported
  bool guest = false;            // the server mapped the logon to guest
  bool binding = false;          // SMB3 session binding (multichannel)
  std::uint64_t session_id = 0;  // SMB2 SessionId or SMB1 UID
};

// A TREE_CONNECT (share mount), reported at the response.
struct TreeConnect {
  static constexpr std::string_view name = "smb.tree_connect";
  Version version = Version::smb2;
  std::string_view share;        // "\\\\server\\share" as sent (UTF-8)
  std::string_view share_type;   // "disk", "pipe", "print", "unknown"
  Status status;
  std::uint64_t session_id = 0;
  std::uint32_t tree_id = 0;
};

}  // namespace spanwatch::events::smb
