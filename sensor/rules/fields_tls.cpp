// Fields of the TLS events (events/tls.hpp). Versions are tls_version fields (compared by protocol
// order, absent when zero); cipher suites and extensions are integer lists of IANA code points.
#include "rules/field_table.hpp"

namespace spanwatch::rules {
namespace {

using namespace events::tls;

bool resumption_name(Resumption r, FieldValue& out) {
  out.text = r == Resumption::session_id ? "session_id" : r == Resumption::psk ? "psk" : "none";
  return true;
}
bool server_resumption(const void* subject, FieldValue& out) {
  return resumption_name(static_cast<const ServerHello*>(subject)->resumption, out);
}
bool handshake_resumption(const void* subject, FieldValue& out) {
  return resumption_name(static_cast<const Handshake*>(subject)->resumption, out);
}

// Whether the client offered a forward-secret suite: read from the event when the TLS parser
// reports it (its cipher table lives in proto/, which rules may not use); absent otherwise.
template <class H>
bool read_forward_secrecy(const H& e, FieldValue& out) {
  if constexpr (requires { e.offered_forward_secrecy; }) {
    out.boolean = e.offered_forward_secrecy;
    return e.client_hello_seen;
  } else {
    return false;
  }
}
bool offered_forward_secrecy(const void* subject, FieldValue& out) {
  return read_forward_secrecy(*static_cast<const Handshake*>(subject), out);
}

constexpr FieldSpec client_hello_fields[] = {
    version_field<&ClientHello::record_version>("record_version"),
    version_field<&ClientHello::legacy_version>("legacy_version"),
    version_field<&ClientHello::max_version>("max_version"),
    member_field<&ClientHello::sslv2_compatible>("sslv2_compatible"),
    member_field<&ClientHello::index>("index"),
    member_field<&ClientHello::cipher_suites>("cipher_suites"),
    member_field<&ClientHello::supported_versions>("supported_versions"),
    member_field<&ClientHello::extensions>("extensions"),
    member_field<&ClientHello::supported_groups>("supported_groups"),
    member_field<&ClientHello::alpn>("alpn"),
    member_field<&ClientHello::server_name>("server_name"),
    member_field<&ClientHello::fallback_scsv>("fallback_scsv"),
    member_field<&ClientHello::renegotiation_scsv>("renegotiation_scsv"),
    member_field<&ClientHello::session_ticket>("session_ticket"),
    member_field<&ClientHello::pre_shared_key>("pre_shared_key"),
};

constexpr FieldSpec server_hello_fields[] = {
    version_field<&ServerHello::record_version>("record_version"),
    version_field<&ServerHello::legacy_version>("legacy_version"),
    version_field<&ServerHello::selected_version>("selected_version"),
    version_field<&ServerHello::version>("version"),
    member_field<&ServerHello::cipher_suite>("cipher_suite"),
    member_field<&ServerHello::cipher_name>("cipher_name"),
    member_field<&ServerHello::key_exchange>("key_exchange"),
    member_field<&ServerHello::extensions>("extensions"),
    member_field<&ServerHello::alpn>("alpn"),
    member_field<&ServerHello::key_share_group>("key_share_group"),
    member_field<&ServerHello::downgrade_sentinel>("downgrade_sentinel"),
    member_field<&ServerHello::hello_retry_request>("hello_retry_request"),
    {"resumption", FieldType::string, &server_resumption},
};

constexpr FieldSpec certificate_fields[] = {
    member_field<&Certificate::direction>("direction"),
    member_field<&Certificate::chain_length>("chain_length"),
    member_field<&Certificate::subject>("subject"),
    member_field<&Certificate::issuer>("issuer"),
    member_field<&Certificate::serial>("serial"),
    member_field<&Certificate::fingerprint>("fingerprint"),
    member_field<&Certificate::not_before>("not_before"),
    member_field<&Certificate::not_after>("not_after"),
    member_field<&Certificate::subject_alt_names>("subject_alt_names"),
    member_field<&Certificate::parsed>("parsed"),
};

constexpr FieldSpec alert_fields[] = {
    member_field<&Alert::direction>("direction"),
    member_field<&Alert::level>("level"),
    member_field<&Alert::description>("description"),
    member_field<&Alert::description_name>("description_name"),
    member_field<&Alert::encrypted>("encrypted"),
};

constexpr FieldSpec handshake_fields[] = {
    member_field<&Handshake::end>("end"),
    member_field<&Handshake::completed>("completed"),
    member_field<&Handshake::client_hello_seen>("client_hello_seen"),
    member_field<&Handshake::client_hellos>("client_hellos"),
    member_field<&Handshake::sslv2_client_hello>("sslv2_client_hello"),
    version_field<&Handshake::client_record_version>("client_record_version"),
    version_field<&Handshake::client_legacy_version>("client_legacy_version"),
    version_field<&Handshake::client_max_version>("client_max_version"),
    member_field<&Handshake::client_supported_versions>("client_supported_versions"),
    member_field<&Handshake::offered_ciphers>("offered_ciphers"),
    member_field<&Handshake::client_extensions>("client_extensions"),
    member_field<&Handshake::supported_groups>("supported_groups"),
    member_field<&Handshake::alpn>("alpn"),
    member_field<&Handshake::server_name>("server_name"),
    member_field<&Handshake::fallback_scsv>("fallback_scsv"),
    member_field<&Handshake::renegotiation_scsv>("renegotiation_scsv"),
    {"offered_forward_secrecy", FieldType::boolean, &offered_forward_secrecy},
    member_field<&Handshake::server_hello_seen>("server_hello_seen"),
    version_field<&Handshake::server_legacy_version>("server_legacy_version"),
    version_field<&Handshake::version>("version"),
    member_field<&Handshake::cipher_suite>("cipher_suite"),
    member_field<&Handshake::cipher_name>("cipher_name"),
    member_field<&Handshake::key_exchange>("key_exchange"),
    member_field<&Handshake::server_extensions>("server_extensions"),
    member_field<&Handshake::server_alpn>("server_alpn"),
    member_field<&Handshake::downgrade_sentinel>("downgrade_sentinel"),
    member_field<&Handshake::hello_retry_request>("hello_retry_request"),
    {"resumption", FieldType::string, &handshake_resumption},
    member_field<&Handshake::server_alert_seen>("server_alert_seen"),
    member_field<&Handshake::server_alert_name>("server_alert_name"),
    member_field<&Handshake::client_alert_seen>("client_alert_seen"),
    member_field<&Handshake::client_alert_name>("client_alert_name"),
    member_field<&Handshake::certificate_seen>("certificate_seen"),
    member_field<&Handshake::subject>("subject"),
    member_field<&Handshake::issuer>("issuer"),
    member_field<&Handshake::fingerprint>("fingerprint"),
    member_field<&Handshake::not_before>("not_before"),
    member_field<&Handshake::not_after>("not_after"),
    member_field<&Handshake::subject_alt_names>("subject_alt_names"),
    member_field<&Handshake::ja3_hash>("ja3_hash"),
    member_field<&Handshake::ja3s_hash>("ja3s_hash"),
};

}  // namespace

std::span<const FieldSpec> fields_of(const ClientHello*) { return client_hello_fields; }
std::span<const FieldSpec> fields_of(const ServerHello*) { return server_hello_fields; }
std::span<const FieldSpec> fields_of(const Certificate*) { return certificate_fields; }
std::span<const FieldSpec> fields_of(const Alert*) { return alert_fields; }
std::span<const FieldSpec> fields_of(const Handshake*) { return handshake_fields; }

}  // namespace spanwatch::rules
