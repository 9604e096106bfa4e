#pragma once
// Limits of the TLS parser: every one is an option and an anomaly (counted in app_layer.error.tls.parser).
#include <cstddef>
#include <cstdint>
#include <memory>

namespace spanwatch::proto::tls {

class CertificateCache;
class TlsWorkspace;

struct TlsOptions {
  // One handshake message buffered across records/segments (a certificate chain is the large one).
  // Longer messages are skipped: counter message_too_long, anomaly tls.handshake_message_too_long.
  std::size_t max_handshake_message = 64 * 1024;
  // Cipher suites kept from one ClientHello (the rest are counted, anomaly tls.list_truncated).
  std::size_t max_cipher_suites = 512;
  // Entries kept per list: extensions, supported_versions, groups, key shares, signature algorithms.
  std::size_t max_list_entries = 64;
  // ALPN protocol names kept (each up to 64 bytes).
  std::size_t max_alpn = 8;
  // Subject alternative names kept from the server certificate (each up to 256 bytes).
  std::size_t max_subject_alt_names = 32;
  // Parse the server certificate with OpenSSL (d2i_X509). Off: certificate fields stay empty.
  bool parse_certificates = true;
  // Decoded certificates shared by the parsers of one worker (null: decode every one). The engine
  // gives each worker one; parsers of different threads must not share it.
  std::shared_ptr<CertificateCache> certificate_cache;
  // Scratch and pools shared by the parsers of one worker (tls_workspace.hpp; null: each parser makes
  // its own). The engine gives each worker one; parsers of different threads must not share it.
  std::shared_ptr<TlsWorkspace> workspace;
};

}  // namespace spanwatch::proto::tls
