#pragma once
// Byte-exact TLS conversations for the parser tests, built with support/tls_builder.hpp.
#include <string>
#include <vector>

#include "support/test_certificate.hpp"
#include "tls_test_support.hpp"

namespace spanwatch::testing::tls_test {

namespace t = spanwatch::testing::tls;

inline Frame concat(std::initializer_list<Frame> parts) {
  Frame out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Frame handshake_record(std::uint16_t version, const Frame& messages) {
  return t::record(t::ContentType::handshake, version, messages);
}

inline Frame encrypted_finished(std::uint16_t version) {
  return t::record(t::ContentType::handshake, version, Frame(40, 0x5a));
}

// TLS 1.2 ECDHE-RSA full handshake: the server's hello, certificate, key exchange and hello-done
// share one record; both sides end with ChangeCipherSpec and an encrypted Finished.
inline Conversation tls12_full_handshake(t::ClientHelloSpec client = {}) {
  if (client.server_name.empty()) client.server_name = "files.example.test";
  client.cipher_suites = {0x0a0a, t::cipher::ecdhe_rsa_aes128_gcm_sha256, t::cipher::rsa_aes128_cbc_sha,
                          t::cipher::empty_renegotiation_info_scsv};
  t::ServerHelloSpec server;
  server.cipher_suite = t::cipher::ecdhe_rsa_aes128_gcm_sha256;
  const Frame point(65, 0x04);
  const Frame signature(256, 0x33);
  return {
      {Direction::to_server, handshake_record(t::version::tls10, t::client_hello(client))},
      {Direction::to_client,
       handshake_record(t::version::tls12,
                        concat({t::server_hello(server), t::certificate({std::span(test_certificate_der)}),
                                t::server_key_exchange_ecdhe(t::group::x25519, Frame(32, 0x11), 0x0804, signature),
                                t::server_hello_done()}))},
      {Direction::to_server, concat({handshake_record(t::version::tls12, t::client_key_exchange_ecdhe(point)),
                                     t::change_cipher_spec(t::version::tls12), encrypted_finished(t::version::tls12)})},
      {Direction::to_client, concat({t::change_cipher_spec(t::version::tls12), encrypted_finished(t::version::tls12),
                                     t::record(t::ContentType::application_data, t::version::tls12, Frame(30, 1))})},
  };
}

// TLS 1.3: GREASE-first supported_versions, a ServerHello selecting 1.3, then encrypted records.
inline Conversation tls13_handshake(std::uint16_t selected = t::version::tls13) {
  t::ClientHelloSpec client;
  client.server_name = "www.example.test";
  client.cipher_suites = {0x3a3a, t::cipher::aes128_gcm_sha256, t::cipher::chacha20_poly1305_sha256,
                          t::cipher::ecdhe_rsa_aes128_gcm_sha256};
  client.supported_versions = {0x3a3a, t::version::tls13, t::version::tls12};
  client.x25519_key_share = Frame(32, 0x21);
  client.session_id = Frame(32, 0x44);
  t::ServerHelloSpec server;
  server.session_id = Frame(32, 0x44);
  server.cipher_suite = t::cipher::aes128_gcm_sha256;
  server.selected_version = selected;
  server.x25519_key_share = Frame(32, 0x22);
  return {
      {Direction::to_server, handshake_record(t::version::tls10, t::client_hello(client))},
      {Direction::to_client, concat({handshake_record(t::version::tls12, t::server_hello(server)),
                                     t::change_cipher_spec(t::version::tls12),
                                     t::record(t::ContentType::application_data, t::version::tls12, Frame(60, 7))})},
  };
}

// RFC 5246 E.2: an SSLv2-compatible CLIENT-HELLO offering TLS 1.0, answered in TLS 1.0 records.
inline Frame sslv2_client_hello() {
  Frame body;
  put8(body, 1);       // CLIENT-HELLO
  put16(body, 0x0301);
  const Frame specs = {0x00, 0x00, 0x04, 0x01, 0x00, 0x80, 0x00, 0x00, 0x39, 0x00, 0x00, 0xff};
  put16(body, static_cast<std::uint16_t>(specs.size()));
  put16(body, 0);      // session id length
  put16(body, 16);     // challenge length
  append(body, specs);
  append(body, Frame(16, 0xcc));
  Frame message;
  put16(message, static_cast<std::uint16_t>(0x8000 | body.size()));
  append(message, body);
  return message;
}

// Hellos with long lists, for the storage that keeps them: LongHello's list_entries apply to the
// groups, signature algorithms and supported versions, and as many extra (empty) extensions.

inline std::vector<std::uint16_t> counting(std::size_t count, std::uint16_t first) {
  std::vector<std::uint16_t> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<std::uint16_t>(first + i);
  return values;
}

struct LongHello {
  std::size_t ciphers = 5;
  std::size_t list_entries = 3;  // groups, signature algorithms, supported versions, extra extensions
  std::vector<std::string> alpn;
  std::string server_name = "long.example.test";
};

inline Frame long_client_hello(const LongHello& spec) {
  Frame b;
  put16(b, 0x0303);
  append(b, Frame(32, 1));
  put8(b, 0);
  put16(b, static_cast<std::uint16_t>(spec.ciphers * 2));
  for (const auto c : counting(spec.ciphers, 0xc000)) put16(b, c);
  put8(b, 1);
  put8(b, 0);
  Frame ext;
  append(ext, t::server_name_extension(spec.server_name));
  append(ext, t::u16_list_extension(10, counting(spec.list_entries, 0x0100)));
  append(ext, t::extension(11, Frame{1, 0}));
  append(ext, t::u16_list_extension(13, counting(spec.list_entries, 0x0400)));
  Frame versions;
  put8(versions, static_cast<std::uint8_t>(spec.list_entries * 2));
  for (const auto v : counting(spec.list_entries, 0x7f10)) put16(versions, v);
  append(ext, t::extension(43, versions));
  if (!spec.alpn.empty()) append(ext, t::alpn_extension(spec.alpn));
  for (const auto type : counting(spec.list_entries, 1000)) append(ext, t::extension(type, Frame{}));
  put16(b, static_cast<std::uint16_t>(ext.size()));
  append(b, ext);
  return handshake_record(0x0301, t::handshake(t::HandshakeType::client_hello, b));
}

// A TLS 1.2 ServerHello with `extensions` empty extensions after renegotiation_info and ALPN.
inline Frame long_server_hello(std::size_t extensions, const std::string& alpn) {
  Frame b;
  put16(b, 0x0303);
  append(b, Frame(32, 2));
  put8(b, 0);
  put16(b, t::cipher::ecdhe_rsa_aes128_gcm_sha256);
  put8(b, 0);
  Frame ext;
  append(ext, t::extension(0xff01, Frame{0}));
  append(ext, t::alpn_extension({alpn}));
  for (const auto type : counting(extensions, 2000)) append(ext, t::extension(type, Frame{}));
  put16(b, static_cast<std::uint16_t>(ext.size()));
  append(b, ext);
  return t::handshake(t::HandshakeType::server_hello, b);
}

// The long hellos in tls12_full_handshake()'s flights.
inline Conversation long_conversation(const LongHello& client, std::size_t server_extensions, const std::string& alpn) {
  Conversation c = tls12_full_handshake();
  c[0].bytes = long_client_hello(client);
  c[1].bytes = handshake_record(
      0x0303, concat({long_server_hello(server_extensions, alpn), t::certificate({std::span(test_certificate_der)}),
                      t::server_hello_done()}));
  return c;
}

}  // namespace spanwatch::testing::tls_test
