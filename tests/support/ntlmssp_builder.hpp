#pragma once
// NTLMSSP messages (MS-NLMP 2.2.1: NEGOTIATE, CHALLENGE, AUTHENTICATE with an NTLMv2 response) and the
// SPNEGO (RFC 4178) DER wrappers SMB2 SESSION_SETUP carries them in. Names are UTF-16LE; the
// cryptographic fields (NTProofStr, session key) are caller-chosen bytes, not computed.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "support/wire_put.hpp"

namespace spanwatch::testing::ntlmssp {

namespace flag {
constexpr std::uint32_t unicode = 0x00000001, oem = 0x00000002, request_target = 0x00000004, sign = 0x00000010,
                        seal = 0x00000020, ntlm = 0x00000200, always_sign = 0x00008000,
                        target_type_domain = 0x00010000, extended_session_security = 0x00080000,
                        target_info = 0x00800000, version = 0x02000000, key_128 = 0x20000000,
                        key_exchange = 0x40000000, key_56 = 0x80000000;
}
// What a Windows 10 client offers in its NEGOTIATE message.
constexpr std::uint32_t client_flags = 0xe2088297;
constexpr std::uint32_t server_flags = 0xe2898215;  // target type domain: TargetName is the domain

enum class AvId : std::uint16_t {
  eol = 0,
  nb_computer_name = 1,
  nb_domain_name = 2,
  dns_computer_name = 3,
  dns_domain_name = 4,
  timestamp = 7,
};

inline void signature(Frame& f, std::uint32_t message_type) {
  append(f, std::string_view("NTLMSSP\0", 8));
  put_le32(f, message_type);
}
// Version structure: Windows 10.0 build 19041, NTLM revision 15.
inline void version_field(Frame& f) { append(f, Frame{10, 0, 0x61, 0x4a, 0, 0, 0, 15}); }
// A (Len, MaxLen, Offset) field pointing into the payload.
inline void buffer_field(Frame& f, std::size_t length, std::size_t offset) {
  put_le16(f, static_cast<std::uint16_t>(length));
  put_le16(f, static_cast<std::uint16_t>(length));
  put_le32(f, static_cast<std::uint32_t>(offset));
}

inline Frame negotiate(std::uint32_t flags = client_flags) {
  Frame m;
  signature(m, 1);
  put_le32(m, flags);
  buffer_field(m, 0, 40);  // domain (not supplied)
  buffer_field(m, 0, 40);  // workstation (not supplied)
  version_field(m);
  return m;
}

inline void av_pair(Frame& f, AvId id, std::span<const std::uint8_t> value) {
  put_le16(f, static_cast<std::uint16_t>(id));
  put_le16(f, static_cast<std::uint16_t>(value.size()));
  f.insert(f.end(), value.begin(), value.end());
}

struct ChallengeSpec {
  std::uint32_t flags = server_flags;
  std::array<std::uint8_t, 8> server_challenge{};
  std::string_view nb_domain = "CORP";
  std::string_view nb_computer = "FS01";
  std::string_view dns_domain = "corp.example.test";
  std::string_view dns_computer = "fs01.corp.example.test";
  std::uint64_t filetime = 0;  // 100 ns ticks since 1601
};

inline Frame target_info(const ChallengeSpec& s) {
  Frame t;
  av_pair(t, AvId::nb_domain_name, utf16le(s.nb_domain));
  av_pair(t, AvId::nb_computer_name, utf16le(s.nb_computer));
  av_pair(t, AvId::dns_domain_name, utf16le(s.dns_domain));
  av_pair(t, AvId::dns_computer_name, utf16le(s.dns_computer));
  Frame ts;
  put_le64(ts, s.filetime);
  av_pair(t, AvId::timestamp, ts);
  av_pair(t, AvId::eol, Frame{});
  return t;
}

inline Frame challenge(const ChallengeSpec& s) {
  const Frame target_name = utf16le(s.nb_domain);
  const Frame info = target_info(s);
  constexpr std::size_t header = 56;
  Frame m;
  signature(m, 2);
  buffer_field(m, target_name.size(), header);
  put_le32(m, s.flags);
  append(m, s.server_challenge.data(), s.server_challenge.size());
  append(m, Frame(8, 0));  // reserved
  buffer_field(m, info.size(), header + target_name.size());
  version_field(m);
  append(m, target_name);
  append(m, info);
  return m;
}

struct AuthenticateSpec {
  std::uint32_t flags = client_flags;
  std::string_view domain = "CORP";
  std::string_view user = "alice";
  std::string_view workstation = "WS042";
  std::array<std::uint8_t, 16> nt_proof{};          // HMAC-MD5 in real life; opaque here
  std::array<std::uint8_t, 8> client_challenge{};
  std::array<std::uint8_t, 16> encrypted_session_key{};
  std::uint64_t filetime = 0;
  Frame target_info;  // echoed from the CHALLENGE (AV pairs ending in MsvAvEOL)
};

// NTLMv2 response (MS-NLMP 2.2.2.8): NTProofStr, then the NTLMv2_CLIENT_CHALLENGE blob.
inline Frame ntlmv2_response(const AuthenticateSpec& s) {
  Frame r;
  append(r, s.nt_proof.data(), s.nt_proof.size());
  put8(r, 1);  // RespType
  put8(r, 1);  // HiRespType
  put16(r, 0);
  put32(r, 0);
  put_le64(r, s.filetime);
  append(r, s.client_challenge.data(), s.client_challenge.size());
  put32(r, 0);
  append(r, s.target_info);
  put32(r, 0);
  return r;
}

inline Frame authenticate(const AuthenticateSpec& s) {
  constexpr std::size_t header = 72;  // fixed fields + Version, no MIC
  const Frame lm(24, 0);              // LMv2 omitted: zeros, as clients send with NTLMv2
  const Frame nt = ntlmv2_response(s);
  const Frame domain = utf16le(s.domain);
  const Frame user = utf16le(s.user);
  const Frame workstation = utf16le(s.workstation);
  std::size_t at = header;
  Frame m;
  signature(m, 3);
  buffer_field(m, lm.size(), at);
  at += lm.size();
  buffer_field(m, nt.size(), at);
  at += nt.size();
  buffer_field(m, domain.size(), at);
  at += domain.size();
  buffer_field(m, user.size(), at);
  at += user.size();
  buffer_field(m, workstation.size(), at);
  at += workstation.size();
  buffer_field(m, s.encrypted_session_key.size(), at);
  put_le32(m, s.flags);
  version_field(m);
  append(m, lm);
  append(m, nt);
  append(m, domain);
  append(m, user);
  append(m, workstation);
  append(m, s.encrypted_session_key.data(), s.encrypted_session_key.size());
  return m;
}

}  // namespace spanwatch::testing::ntlmssp

namespace spanwatch::testing::spnego {

// DER tag-length-value with definite lengths.
inline Frame der(std::uint8_t tag, std::span<const std::uint8_t> value) {
  Frame out;
  out.push_back(tag);
  const std::size_t n = value.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(0x82);
    put16(out, static_cast<std::uint16_t>(n));
  }
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

inline const Frame& spnego_oid() {  // 1.3.6.1.5.5.2
  static const Frame oid = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
  return oid;
}
inline const Frame& ntlmssp_oid() {  // 1.3.6.1.4.1.311.2.2.10
  static const Frame oid = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
  return oid;
}

// GSS-API InitialContextToken carrying NegTokenInit { mechTypes [NTLMSSP], mechToken? }.
inline Frame neg_token_init(std::span<const std::uint8_t> mech_token) {
  Frame fields = der(0xa0, der(0x30, ntlmssp_oid()));
  if (!mech_token.empty()) append(fields, der(0xa2, der(0x04, mech_token)));
  Frame inner = spnego_oid();
  append(inner, der(0xa0, der(0x30, fields)));
  return der(0x60, inner);
}

enum class NegState : std::uint8_t { accept_completed = 0, accept_incomplete = 1, reject = 2 };

// NegTokenResp { negState?, supportedMech?, responseToken? }.
inline Frame neg_token_resp(std::optional<NegState> state, bool supported_mech,
                            std::span<const std::uint8_t> token) {
  Frame fields;
  if (state) append(fields, der(0xa0, der(0x0a, Frame{static_cast<std::uint8_t>(*state)})));
  if (supported_mech) append(fields, der(0xa1, ntlmssp_oid()));
  if (!token.empty()) append(fields, der(0xa2, der(0x04, token)));
  return der(0xa1, der(0x30, fields));
}

}  // namespace spanwatch::testing::spnego
