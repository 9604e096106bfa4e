#pragma once
// TLS record and handshake builders (RFC 5246 for ≤ 1.2, RFC 8446 for 1.3): records, ClientHello and
// ServerHello with the common extensions, Certificate, ECDHE ServerKeyExchange, ServerHelloDone, RSA
// and ECDHE ClientKeyExchange, ChangeCipherSpec and alerts. Encrypted content (Finished under a cipher, application data) is the
// caller's opaque bytes: framing is exact, cryptography is not done.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/wire_put.hpp"

namespace spanwatch::testing::tls {

namespace version {
constexpr std::uint16_t tls10 = 0x0301, tls11 = 0x0302, tls12 = 0x0303, tls13 = 0x0304;
}
namespace cipher {
constexpr std::uint16_t rsa_aes128_cbc_sha = 0x002f, rsa_aes256_cbc_sha = 0x0035, rsa_3des_ede_cbc_sha = 0x000a,
                        ecdhe_rsa_aes128_gcm_sha256 = 0xc02f, ecdhe_ecdsa_aes128_gcm_sha256 = 0xc02b,
                        ecdhe_rsa_aes256_gcm_sha384 = 0xc030, aes128_gcm_sha256 = 0x1301,
                        aes256_gcm_sha384 = 0x1302, chacha20_poly1305_sha256 = 0x1303,
                        empty_renegotiation_info_scsv = 0x00ff, fallback_scsv = 0x5600;
}
namespace extension_type {
constexpr std::uint16_t server_name = 0, supported_groups = 10, ec_point_formats = 11, signature_algorithms = 13,
                        supported_versions = 43, psk_key_exchange_modes = 45, key_share = 51,
                        renegotiation_info = 0xff01;
}
namespace group {
constexpr std::uint16_t x25519 = 0x001d, secp256r1 = 0x0017, secp384r1 = 0x0018;
}

enum class ContentType : std::uint8_t { change_cipher_spec = 20, alert = 21, handshake = 22, application_data = 23 };
enum class HandshakeType : std::uint8_t {
  client_hello = 1,
  server_hello = 2,
  encrypted_extensions = 8,
  certificate = 11,
  server_key_exchange = 12,
  server_hello_done = 14,
  client_key_exchange = 16,
  finished = 20,
};

using Random = std::array<std::uint8_t, 32>;

inline Frame record(ContentType type, std::uint16_t record_version, std::span<const std::uint8_t> body) {
  Frame r;
  r.reserve(5 + body.size());
  put8(r, static_cast<std::uint8_t>(type));
  put16(r, record_version);
  put16(r, static_cast<std::uint16_t>(body.size()));
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

inline Frame handshake(HandshakeType type, std::span<const std::uint8_t> body) {
  Frame h;
  put8(h, static_cast<std::uint8_t>(type));
  put24(h, static_cast<std::uint32_t>(body.size()));
  h.insert(h.end(), body.begin(), body.end());
  return h;
}

inline Frame extension(std::uint16_t type, std::span<const std::uint8_t> data) {
  Frame e;
  put16(e, type);
  put16(e, static_cast<std::uint16_t>(data.size()));
  e.insert(e.end(), data.begin(), data.end());
  return e;
}

// application_layer_protocol_negotiation (RFC 7301) offering `names` in order.
inline Frame alpn_extension(const std::vector<std::string>& names) {
  Frame list;
  for (const auto& n : names) {
    put8(list, static_cast<std::uint8_t>(n.size()));
    append(list, n);
  }
  Frame data;
  put16(data, static_cast<std::uint16_t>(list.size()));
  append(data, list);
  return extension(16, data);
}

inline Frame server_name_extension(std::string_view host) {
  Frame d;
  put16(d, static_cast<std::uint16_t>(host.size() + 3));
  put8(d, 0);  // host_name
  put16(d, static_cast<std::uint16_t>(host.size()));
  append(d, host);
  return extension(extension_type::server_name, d);
}

// A 2-byte-length-prefixed list of 16-bit values (groups, signature schemes).
inline Frame u16_list_extension(std::uint16_t type, const std::vector<std::uint16_t>& values) {
  Frame d;
  put16(d, static_cast<std::uint16_t>(values.size() * 2));
  for (const auto v : values) put16(d, v);
  return extension(type, d);
}

struct ClientHelloSpec {
  std::uint16_t legacy_version = version::tls12;
  Random random{};
  Frame session_id;  // 0..32 bytes
  std::vector<std::uint16_t> cipher_suites = {cipher::ecdhe_rsa_aes128_gcm_sha256, cipher::rsa_aes128_cbc_sha};
  std::string_view server_name;                 // empty: no SNI extension
  std::vector<std::uint16_t> supported_versions;  // empty: no supported_versions extension
  std::vector<std::uint16_t> groups = {group::x25519, group::secp256r1, group::secp384r1};
  std::vector<std::uint16_t> signature_algorithms = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0601};
  Frame x25519_key_share;  // 32 bytes: adds key_share and psk_key_exchange_modes (TLS 1.3)
  bool renegotiation_info = true;
};

inline Frame client_hello(const ClientHelloSpec& s) {
  Frame b;
  put16(b, s.legacy_version);
  append(b, s.random.data(), s.random.size());
  put8(b, static_cast<std::uint8_t>(s.session_id.size()));
  append(b, s.session_id);
  put16(b, static_cast<std::uint16_t>(s.cipher_suites.size() * 2));
  for (const auto c : s.cipher_suites) put16(b, c);
  put8(b, 1);
  put8(b, 0);  // null compression only
  Frame ext;
  if (!s.server_name.empty()) append(ext, server_name_extension(s.server_name));
  if (s.renegotiation_info) append(ext, extension(extension_type::renegotiation_info, Frame{0}));
  if (!s.groups.empty()) {
    append(ext, u16_list_extension(extension_type::supported_groups, s.groups));
    append(ext, extension(extension_type::ec_point_formats, Frame{1, 0}));
  }
  if (!s.signature_algorithms.empty())
    append(ext, u16_list_extension(extension_type::signature_algorithms, s.signature_algorithms));
  if (!s.supported_versions.empty()) {
    Frame d;
    put8(d, static_cast<std::uint8_t>(s.supported_versions.size() * 2));
    for (const auto v : s.supported_versions) put16(d, v);
    append(ext, extension(extension_type::supported_versions, d));
  }
  if (!s.x25519_key_share.empty()) {
    append(ext, extension(extension_type::psk_key_exchange_modes, Frame{1, 1}));  // psk_dhe_ke
    Frame d;
    put16(d, static_cast<std::uint16_t>(4 + s.x25519_key_share.size()));
    put16(d, group::x25519);
    put16(d, static_cast<std::uint16_t>(s.x25519_key_share.size()));
    append(d, s.x25519_key_share);
    append(ext, extension(extension_type::key_share, d));
  }
  if (!ext.empty()) {
    put16(b, static_cast<std::uint16_t>(ext.size()));
    append(b, ext);
  }
  return handshake(HandshakeType::client_hello, b);
}

struct ServerHelloSpec {
  std::uint16_t legacy_version = version::tls12;
  Random random{};
  Frame session_id;  // TLS 1.3 echoes the client's
  std::uint16_t cipher_suite = cipher::rsa_aes128_cbc_sha;
  std::uint16_t selected_version = 0;  // non-zero: supported_versions extension (TLS 1.3)
  Frame x25519_key_share;              // 32 bytes: key_share extension (TLS 1.3)
  bool renegotiation_info = true;      // ignored for TLS 1.3
};

inline Frame server_hello(const ServerHelloSpec& s) {
  Frame b;
  put16(b, s.legacy_version);
  append(b, s.random.data(), s.random.size());
  put8(b, static_cast<std::uint8_t>(s.session_id.size()));
  append(b, s.session_id);
  put16(b, s.cipher_suite);
  put8(b, 0);
  Frame ext;
  if (s.selected_version != 0) {
    Frame d;
    put16(d, s.selected_version);
    append(ext, extension(extension_type::supported_versions, d));
  } else if (s.renegotiation_info) {
    append(ext, extension(extension_type::renegotiation_info, Frame{0}));
  }
  if (!s.x25519_key_share.empty()) {
    Frame d;
    put16(d, group::x25519);
    put16(d, static_cast<std::uint16_t>(s.x25519_key_share.size()));
    append(d, s.x25519_key_share);
    append(ext, extension(extension_type::key_share, d));
  }
  if (!ext.empty()) {
    put16(b, static_cast<std::uint16_t>(ext.size()));
    append(b, ext);
  }
  return handshake(HandshakeType::server_hello, b);
}

// Certificate (≤ 1.2 layout): a 24-bit list length, then each DER certificate with a 24-bit length.
inline Frame certificate(const std::vector<std::span<const std::uint8_t>>& chain) {
  Frame list;
  for (const auto& der : chain) {
    put24(list, static_cast<std::uint32_t>(der.size()));
    list.insert(list.end(), der.begin(), der.end());
  }
  Frame b;
  put24(b, static_cast<std::uint32_t>(list.size()));
  append(b, list);
  return handshake(HandshakeType::certificate, b);
}

inline Frame server_hello_done() { return handshake(HandshakeType::server_hello_done, Frame{}); }

// RSA key exchange: the encrypted premaster secret with its 2-byte length (TLS 1.0 and later).
inline Frame client_key_exchange_rsa(std::span<const std::uint8_t> encrypted_premaster) {
  Frame b;
  put16(b, static_cast<std::uint16_t>(encrypted_premaster.size()));
  b.insert(b.end(), encrypted_premaster.begin(), encrypted_premaster.end());
  return handshake(HandshakeType::client_key_exchange, b);
}

inline Frame change_cipher_spec(std::uint16_t record_version) {
  return record(ContentType::change_cipher_spec, record_version, Frame{1});
}

// ECDHE ServerKeyExchange (RFC 8422 5.4) for TLS 1.2: named curve, public point, signature scheme
// and signature.
inline Frame server_key_exchange_ecdhe(std::uint16_t named_group, std::span<const std::uint8_t> public_point,
                                       std::uint16_t signature_scheme, std::span<const std::uint8_t> signature) {
  Frame b;
  put8(b, 3);  // named_curve
  put16(b, named_group);
  put8(b, static_cast<std::uint8_t>(public_point.size()));
  b.insert(b.end(), public_point.begin(), public_point.end());
  put16(b, signature_scheme);
  put16(b, static_cast<std::uint16_t>(signature.size()));
  b.insert(b.end(), signature.begin(), signature.end());
  return handshake(HandshakeType::server_key_exchange, b);
}

inline Frame client_key_exchange_ecdhe(std::span<const std::uint8_t> public_point) {
  Frame b;
  put8(b, static_cast<std::uint8_t>(public_point.size()));
  b.insert(b.end(), public_point.begin(), public_point.end());
  return handshake(HandshakeType::client_key_exchange, b);
}

namespace alert {
constexpr std::uint8_t warning = 1, fatal = 2;
constexpr std::uint8_t close_notify = 0, handshake_failure = 40, protocol_version = 70, inappropriate_fallback = 86;
}  // namespace alert

inline Frame alert_record(std::uint16_t record_version, std::uint8_t level, std::uint8_t description) {
  return record(ContentType::alert, record_version, Frame{level, description});
}

}  // namespace spanwatch::testing::tls
