#pragma once
// EVE `tls` records from tls events (see app_record.hpp for the contract). One record per handshake,
// written from tls::Handshake only, shaped as Suricata's `tls` object:
//   version (Suricata's names: "SSLv2", "SSLv3", "TLSv1", "TLS 1.1", "TLS 1.2", "TLS 1.3",
//   "TLS 1.3 draft-NN", else "0xNNNN"; "UNDETERMINED" without a ServerHello), sni, subject, issuerdn,
//   serial, fingerprint, notbefore/notafter, subjectaltname, session_resumed, ja3/ja3s, client_alpns,
//   server_alpns, client_handshake{version, ciphers, exts, sig_algs}, server_handshake{version, cipher, exts}.
// client_handshake/server_handshake.version use the same names for released versions but the exact
// code point ("0x7f1c") for drafts and experiments, so a reader can always recover the number.
#include <cstdint>
#include <string_view>

#include "alert/eve_writer.hpp"
#include "events/tls.hpp"

namespace spanwatch::alert {

std::string_view eve_event_type(const events::tls::Handshake& event);
void write_eve_object(EveWriter& writer, const events::tls::Handshake& event);

// Suricata's name for a protocol version ("TLS 1.2"), written into `buffer` when it is formatted.
std::string_view tls_version_name(std::uint16_t version, char (&buffer)[24]);
// The handshake-object form: Suricata's name for released versions, "0xNNNN" otherwise.
std::string_view tls_handshake_version_name(std::uint16_t version, char (&buffer)[24]);

}  // namespace spanwatch::alert
