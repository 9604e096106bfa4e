#pragma once
// What a SESSION_SETUP security blob holds: SPNEGO (RFC 4178) negTokenInit/negTokenResp unwrapped
// with the bounded DER reader, a raw NTLMSSP message (no SPNEGO), or a bare Kerberos GSS token.
// Views point into the blob and are valid as long as it.
#include <array>
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "events/smb.hpp"

namespace spanwatch::proto::smb {

enum class NegState : std::uint8_t { accept_completed = 0, accept_incomplete = 1, reject = 2, request_mic = 3 };

// The parts of a Kerberos AP-REQ (RFC 4120 5.5.1) an event reports: the ticket's realm and server name.
struct KerberosApReq {
  core::Bytes realm;
  std::array<core::Bytes, 4> sname{};  // name-string components ("cifs", "host")
  std::size_t sname_count = 0;
};

struct SecurityToken {
  events::smb::Mechanism mechanism = events::smb::Mechanism::unknown;
  bool spnego = false;
  std::optional<NegState> neg_state;
  core::Bytes ntlmssp;  // the NTLMSSP message, when the token carries one
  std::optional<KerberosApReq> kerberos;
};

// The token in `blob`, or nullopt when it is none of the forms above or malformed.
std::optional<SecurityToken> parse_security_blob(core::Bytes blob);

// A Kerberos GSS token (0x60, krb5 OID, TOK_ID 01 00, AP-REQ) or a bare AP-REQ (0x6e).
std::optional<KerberosApReq> parse_kerberos_token(core::Bytes token);

}  // namespace spanwatch::proto::smb
