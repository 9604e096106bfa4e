#pragma once
// Options of the application layer: recognition, parser pools, and each parser's own options.
#include <cstddef>
#include <cstdint>

#include "proto/credentials.hpp"
#include "proto/ftp/parser.hpp"
#include "proto/pop3/parser.hpp"
#include "proto/smb/parser.hpp"
#include "proto/tls/parser.hpp"
#include "rules/rule_evaluator.hpp"

namespace spanwatch::engine {

struct AppLayerOptions {
  bool enabled = true;
  // Flows whose protocol is still being recognised each hold one probe buffer of this size.
  std::uint32_t probe_buffers = 8192;
  std::uint32_t probe_buffer_bytes = 1024;
  // After an unrecognised start, bytes watched for a TLS ClientHello that begins a client segment
  // (TLS behind HTTP CONNECT, SOCKS, RDP, LDAP or IRC STARTTLS); 0: bypass unrecognised flows at once.
  std::uint32_t late_tls_window = 64 * 1024;
  // Parsers alive at once, per protocol; a flow that finds its pool empty is counted and bypassed,
  // a detection lost. Parsers are created on first need and hold 1-2 KiB in flight (TLS ~4 KiB with
  // its hellos): split messages, pending requests and reply text come from per-worker pools only
  // while used. So the caps are sized for a busy span port rather than for memory.
  std::uint32_t max_ftp = 16384;
  std::uint32_t max_pop3 = 16384;
  std::uint32_t max_smb = 16384;
  std::uint32_t max_tls = 16384;
  std::uint32_t max_starttls = 1024;  // SMTP and IMAP, each
  bool eve_records = true;           // write ftp/pop3/smb/tls EVE records
  // App-layer anomaly records written per flow; later anomalies of the flow are counted
  // (app_layer.error.<proto>.parser) and matched by rules, but not written.
  std::uint32_t anomaly_records_per_flow = 32;
  std::uint32_t certificate_cache_entries = 256;  // decoded TLS certificates remembered per worker
  proto::CredentialOptions credentials;
  proto::ftp::FtpOptions ftp;
  proto::pop3::Pop3Options pop3;
  proto::smb::SmbOptions smb;
  proto::tls::TlsOptions tls;
  rules::EvaluatorOptions rules;
};

}  // namespace spanwatch::engine
