#pragma once
// TLS facts (RFC 5246, 8446; SSLv2-compatible hellos per RFC 5246 E.2). Filled in by proto/tls/.
// Versions are raw 16-bit code points (0x0301 = TLS 1.0, 0x7f1c = TLS 1.3 draft-28, 0x0002 = SSLv2);
// cipher suites are IANA code points. Every view and span is valid only during emit().
#include <cstdint>
#include <span>
#include <string_view>

#include "core/direction.hpp"

namespace spanwatch::events::tls {

// The key-exchange class of a cipher suite, from the IANA registry name (proto/tls/cipher_suites.csv).
enum class KeyExchange : std::uint8_t {
  unknown,     // unassigned or private code point
  null,        // TLS_NULL_WITH_NULL_NULL
  rsa,         // RSA key transport (no forward secrecy)
  rsa_export,  // export-grade RSA key transport
  dhe,
  ecdhe,
  dh,  // static DH (certificate-bound)
  ecdh,
  dh_anon,
  ecdh_anon,
  psk,
  dhe_psk,
  ecdhe_psk,
  rsa_psk,
  srp,
  krb5,
  eccpwd,
  gost,
  tls13,  // TLS 1.3 suites: the key exchange is negotiated apart (key_share / psk modes)
  scsv,   // signalling values, not suites (0x00FF, 0x5600)
  grease, // RFC 8701 reserved values
  count_
};

constexpr std::string_view name_of(KeyExchange k) {
  switch (k) {
    case KeyExchange::null: return "NULL";
    case KeyExchange::rsa: return "RSA";
    case KeyExchange::rsa_export: return "RSA_EXPORT";
    case KeyExchange::dhe: return "DHE";
    case KeyExchange::ecdhe: return "ECDHE";
    case KeyExchange::dh: return "DH";
    case KeyExchange::ecdh: return "ECDH";
    case KeyExchange::dh_anon: return "DH_anon";
    case KeyExchange::ecdh_anon: return "ECDH_anon";
    case KeyExchange::psk: return "PSK";
    case KeyExchange::dhe_psk: return "DHE_PSK";
    case KeyExchange::ecdhe_psk: return "ECDHE_PSK";
    case KeyExchange::rsa_psk: return "RSA_PSK";
    case KeyExchange::srp: return "SRP";
    case KeyExchange::krb5: return "KRB5";
    case KeyExchange::eccpwd: return "ECCPWD";
    case KeyExchange::gost: return "GOST";
    case KeyExchange::tls13: return "TLS13";
    case KeyExchange::scsv: return "SCSV";
    case KeyExchange::grease: return "GREASE";
    default: return "unknown";
  }
}

// RFC 8446 4.1.3: the last 8 bytes of ServerHello.random when a 1.3-capable server negotiates less.
enum class DowngradeSentinel : std::uint8_t {
  none,
  tls12,          // "DOWNGRD\x01": the server negotiated TLS 1.2
  tls11_or_below  // "DOWNGRD\x00": the server negotiated TLS 1.1 or below
};

constexpr std::string_view name_of(DowngradeSentinel s) {
  switch (s) {
    case DowngradeSentinel::tls12: return "tls12";
    case DowngradeSentinel::tls11_or_below: return "tls11_or_below";
    default: return "none";
  }
}

// How the server resumed a session, if it did.
enum class Resumption : std::uint8_t {
  none,
  session_id,  // ≤ 1.2: the ServerHello echoed the client's non-empty session id (abbreviated handshake)
  psk,         // 1.3: the ServerHello carries pre_shared_key (resumption or external PSK)
};

struct ClientHello {
  static constexpr std::string_view name = "tls.client_hello";
  std::uint16_t record_version = 0;  // record-layer version (0x0002 for an SSLv2-compatible hello)
  std::uint16_t legacy_version = 0;  // ClientHello.client_version / legacy_version
  std::uint16_t max_version = 0;     // highest non-GREASE supported_versions entry, else legacy_version
  bool sslv2_compatible = false;     // arrived in an SSLv2 record (RFC 5246 E.2)
  unsigned index = 1;                // 1 for the first ClientHello of the flow, 2 after HRR or a duplicate
  std::span<const std::uint16_t> cipher_suites;       // as offered, GREASE included
  std::span<const std::uint16_t> supported_versions;  // as offered; empty without the extension
  std::span<const std::uint16_t> extensions;          // extension types in order
  std::span<const std::uint16_t> supported_groups;
  std::span<const std::uint16_t> key_share_groups;
  std::span<const std::uint16_t> signature_algorithms;
  std::span<const std::uint8_t> psk_key_exchange_modes;
  std::span<const std::string_view> alpn;  // protocol names offered
  std::string_view server_name;            // first host_name of server_name, or empty
  std::span<const std::uint8_t> session_id;
  bool fallback_scsv = false;          // TLS_FALLBACK_SCSV 0x5600 offered (RFC 7507)
  bool renegotiation_scsv = false;     // TLS_EMPTY_RENEGOTIATION_INFO_SCSV 0x00FF offered
  bool session_ticket = false;         // session_ticket extension present
  bool session_ticket_data = false;    // ... and non-empty (a ticket is being presented)
  bool pre_shared_key = false;         // pre_shared_key extension present (1.3 resumption attempt)
};

struct ServerHello {
  static constexpr std::string_view name = "tls.server_hello";
  std::uint16_t record_version = 0;
  std::uint16_t legacy_version = 0;     // ServerHello.server_version / legacy_version
  std::uint16_t selected_version = 0;   // supported_versions extension, 0 if absent
  std::uint16_t version = 0;            // negotiated: selected_version if present, else legacy_version
  std::uint16_t cipher_suite = 0;
  std::string_view cipher_name;         // IANA name, or empty for an unassigned code point
  KeyExchange key_exchange = KeyExchange::unknown;
  std::uint8_t compression = 0;
  std::span<const std::uint8_t> random;
  std::span<const std::uint8_t> session_id;
  std::span<const std::uint16_t> extensions;
  std::string_view alpn;                 // the protocol the server selected, or empty
  std::uint16_t key_share_group = 0;     // 1.3 key_share group (or HRR's requested group), 0 if absent
  DowngradeSentinel downgrade_sentinel = DowngradeSentinel::none;
  bool hello_retry_request = false;      // the RFC 8446 4.1.3 HelloRetryRequest random
  Resumption resumption = Resumption::none;
};

struct Certificate {
  static constexpr std::string_view name = "tls.certificate";
  core::Direction direction = core::Direction::to_client;  // to_server: a client certificate
  unsigned chain_length = 0;                // certificates in the message
  std::string_view subject;                 // RFC 2253-like one-line DN of the first certificate
  std::string_view issuer;
  std::string_view serial;                  // colon-separated upper-case hex, as Suricata prints it
  std::string_view fingerprint;             // SHA-1 of the DER, colon-separated lower-case hex
  std::int64_t not_before = 0;              // Unix seconds (UTC)
  std::int64_t not_after = 0;
  std::span<const std::string_view> subject_alt_names;  // DNS names and IP addresses
  std::span<const std::uint8_t> der;        // the first certificate
  bool parsed = false;                      // OpenSSL accepted the first certificate
};

struct Alert {
  static constexpr std::string_view name = "tls.alert";
  core::Direction direction = core::Direction::to_client;  // who sent it
  std::uint8_t level = 0;         // 1 warning, 2 fatal (0 when encrypted)
  std::uint8_t description = 0;
  std::string_view description_name;  // "inappropriate_fallback", ...; "encrypted" after ChangeCipherSpec
  bool encrypted = false;             // sent after ChangeCipherSpec: level/description unknown
};

// How a handshake summary ended.
enum class HandshakeEnd : std::uint8_t {
  completed,        // both Finished (≤ 1.2), or both hellos and encrypted data (1.3)
  alert,            // an alert ended it
  flow_ended,       // the flow finished (or the parser gave up) before completion
};

constexpr std::string_view name_of(HandshakeEnd e) {
  switch (e) {
    case HandshakeEnd::completed: return "completed";
    case HandshakeEnd::alert: return "alert";
    default: return "flow_ended";
  }
}

// One summary per handshake, emitted when the parser stops or the flow finishes: what both hellos and
// the server certificate said. The EVE `tls` record is written from this event only.
struct Handshake {
  static constexpr std::string_view name = "tls.handshake";
  HandshakeEnd end = HandshakeEnd::flow_ended;
  bool completed = false;

  // Client side.
  bool client_hello_seen = false;
  unsigned client_hellos = 0;        // > 1: HRR retry or a duplicate hello
  bool sslv2_client_hello = false;
  std::uint16_t client_record_version = 0;
  std::uint16_t client_legacy_version = 0;
  std::uint16_t client_max_version = 0;
  std::span<const std::uint16_t> client_supported_versions;
  std::span<const std::uint16_t> offered_ciphers;
  std::span<const std::uint16_t> client_extensions;
  std::span<const std::uint16_t> signature_algorithms;
  std::span<const std::uint16_t> supported_groups;
  std::span<const std::string_view> alpn;
  std::string_view server_name;
  bool fallback_scsv = false;
  bool renegotiation_scsv = false;
  // Some offered suite has an ephemeral key exchange (DHE, ECDHE, their PSK forms, or a TLS 1.3 suite).
  bool offered_forward_secrecy = false;

  // Server side.
  bool server_hello_seen = false;
  std::uint16_t server_legacy_version = 0;
  std::uint16_t version = 0;  // negotiated
  std::uint16_t cipher_suite = 0;
  std::string_view cipher_name;
  KeyExchange key_exchange = KeyExchange::unknown;
  std::span<const std::uint16_t> server_extensions;
  std::string_view server_alpn;
  DowngradeSentinel downgrade_sentinel = DowngradeSentinel::none;
  bool hello_retry_request = false;
  Resumption resumption = Resumption::none;
  bool server_key_exchange_seen = false;

  // Alerts (the first one seen from each side).
  bool server_alert_seen = false;
  std::uint8_t server_alert_level = 0;
  std::uint8_t server_alert_description = 0;
  std::string_view server_alert_name;
  bool client_alert_seen = false;
  std::uint8_t client_alert_level = 0;
  std::uint8_t client_alert_description = 0;
  std::string_view client_alert_name;

  // Server certificate (≤ 1.2; encrypted in 1.3).
  bool certificate_seen = false;
  unsigned certificate_chain_length = 0;
  std::string_view subject;
  std::string_view issuer;
  std::string_view serial;
  std::string_view fingerprint;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::span<const std::string_view> subject_alt_names;

  // Fingerprints (empty when the hello was not seen).
  std::string_view ja3;
  std::string_view ja3_hash;
  std::string_view ja3s;
  std::string_view ja3s_hash;
};

}  // namespace spanwatch::events::tls
