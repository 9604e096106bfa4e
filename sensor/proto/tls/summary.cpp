// TlsParser::emit_summary: the one tls.handshake event per handshake, from the bounded copies of
// both hellos, the server certificate, the first alerts and the JA3/JA3S fingerprints.
#include "proto/tls/alert_names.hpp"
#include "proto/tls/cipher_suites.hpp"
#include "proto/tls/parser.hpp"

namespace spanwatch::proto::tls {

void TlsParser::emit_summary(events::tls::HandshakeEnd end) {
  events::tls::Handshake h;
  h.end = end;
  h.completed = end == events::tls::HandshakeEnd::completed;

  h.client_hello_seen = client_.hellos > 0;
  h.client_hellos = client_.hellos;
  h.sslv2_client_hello = client_.sslv2;
  h.client_record_version = client_.record_version;
  h.client_legacy_version = client_.legacy_version;
  h.client_max_version = client_.max_version;
  h.client_supported_versions = client_.supported_versions();
  h.offered_ciphers = client_.cipher_suites();
  h.client_extensions = client_.extensions();
  h.signature_algorithms = client_.signature_algorithms();
  h.supported_groups = client_.supported_groups();
  h.alpn = client_.alpn(workspace().alpn_views());
  h.server_name = client_.server_name();
  h.fallback_scsv = client_.fallback_scsv;
  h.renegotiation_scsv = client_.renegotiation_scsv;
  for (const std::uint16_t code : client_.cipher_suites()) {
    using events::tls::KeyExchange;
    const KeyExchange k = find_cipher_suite(code).key_exchange;
    if (k == KeyExchange::dhe || k == KeyExchange::ecdhe || k == KeyExchange::dhe_psk ||
        k == KeyExchange::ecdhe_psk || k == KeyExchange::tls13) {
      h.offered_forward_secrecy = true;
      break;
    }
  }

  h.server_hello_seen = server_.hello_seen;
  if (server_.hello_seen) {
    const CipherSuite suite = find_cipher_suite(server_.cipher_suite);
    h.server_legacy_version = server_.legacy_version;
    h.version = server_.version;
    h.cipher_suite = server_.cipher_suite;
    h.cipher_name = suite.name;
    h.key_exchange = suite.key_exchange;
    h.server_extensions = server_.extensions();
    h.server_alpn = server_.alpn();
    h.downgrade_sentinel = server_.sentinel;
    h.resumption = server_.resumption;
  }
  h.hello_retry_request = server_.hello_retry_request;
  h.server_key_exchange_seen = server_.server_key_exchange;

  const FirstAlert& server_alert = first_alert_[core::index_of(core::Direction::to_client)];
  h.server_alert_seen = server_alert.seen;
  h.server_alert_level = server_alert.level;
  h.server_alert_description = server_alert.description;
  h.server_alert_name =
      server_alert.seen ? alert_name(server_alert.encrypted, server_alert.description) : std::string_view{};
  const FirstAlert& client_alert = first_alert_[core::index_of(core::Direction::to_server)];
  h.client_alert_seen = client_alert.seen;
  h.client_alert_level = client_alert.level;
  h.client_alert_description = client_alert.description;
  h.client_alert_name =
      client_alert.seen ? alert_name(client_alert.encrypted, client_alert.description) : std::string_view{};

  h.certificate_seen = certificate_seen_;
  h.certificate_chain_length = certificate_chain_length_;
  if (!certificate_.bytes().empty()) {  // decoded (or tried)
    const CertificateFields fields = unpack_certificate(certificate_.bytes(), workspace().subject_alt_names());
    if (fields.parsed) {
      h.subject = fields.subject;
      h.issuer = fields.issuer;
      h.serial = fields.serial;
      h.not_before = fields.not_before;
      h.not_after = fields.not_after;
      h.subject_alt_names = fields.subject_alt_names;
    }
    h.fingerprint = fields.fingerprint;
  }

  // JA3/JA3S from the hellos kept (the last ClientHello that replaced the first, the last ServerHello),
  // in the worker's scratch: they are needed only while the summary is emitted.
  if (h.client_hello_seen) {
    Fingerprint& ja3 = workspace().ja3();
    ja3.make_ja3(client_.legacy_version, client_.cipher_suites(), client_.extensions(),
                 client_.supported_groups(), client_.point_formats());
    h.ja3 = ja3.text();
    h.ja3_hash = ja3.hash();
  }
  if (h.server_hello_seen) {
    Fingerprint& ja3s = workspace().ja3s();
    ja3s.make_ja3s(server_.legacy_version, server_.cipher_suite, server_.extensions());
    h.ja3s = ja3s.text();
    h.ja3s_hash = ja3s.hash();
  }
  if (context_ != nullptr) context_->sink.emit(h);
}

}  // namespace spanwatch::proto::tls
