#include "alert/tls_record.hpp"

#include <cstdio>
#include <span>

namespace spanwatch::alert {
namespace {

std::string_view released_version_name(std::uint16_t version) {
  switch (version) {
    case 0x0002: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return {};
  }
}

std::string_view hex_version(std::uint16_t version, char (&buffer)[24]) {
  const int n = std::snprintf(buffer, sizeof buffer, "0x%04x", version);
  return {buffer, static_cast<std::size_t>(n)};
}

void write_date(EveWriter& writer, std::string_view key, std::int64_t unix_seconds) {
  const std::string_view text = writer.utc_date(unix_seconds);
  if (text.empty()) return;
  writer.key(key);
  writer.json().String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_numbers(EveWriter& writer, std::string_view key, std::span<const std::uint16_t> values) {
  if (values.empty()) return;  // the schema wants at least one item
  writer.key(key);
  writer.json().StartArray();
  for (const auto v : values) writer.json().Uint(v);
  writer.json().EndArray();
}

void write_strings(EveWriter& writer, std::string_view key, std::span<const std::string_view> values) {
  if (values.empty()) return;
  writer.key(key);
  writer.json().StartArray();
  for (const auto v : values) writer.string(v);
  writer.json().EndArray();
}

void write_fingerprint(EveWriter& writer, std::string_view key, std::string_view hash, std::string_view text) {
  if (hash.empty()) return;
  writer.key(key);
  writer.json().StartObject();
  writer.field("hash", hash);
  writer.field("string", text);
  writer.json().EndObject();
}

}  // namespace

std::string_view tls_version_name(std::uint16_t version, char (&buffer)[24]) {
  if (const auto name = released_version_name(version); !name.empty()) return name;
  if ((version >> 8) == 0x7f) {
    const int n = std::snprintf(buffer, sizeof buffer, "TLS 1.3 draft-%u", version & 0xffu);
    return {buffer, static_cast<std::size_t>(n)};
  }
  return hex_version(version, buffer);
}

std::string_view tls_handshake_version_name(std::uint16_t version, char (&buffer)[24]) {
  if (const auto name = released_version_name(version); !name.empty()) return name;
  return hex_version(version, buffer);
}

std::string_view eve_event_type(const events::tls::Handshake&) { return "tls"; }

void write_eve_object(EveWriter& writer, const events::tls::Handshake& h) {
  char buffer[24];
  writer.key("tls");
  writer.json().StartObject();
  if (!h.subject.empty()) writer.field("subject", h.subject);
  if (!h.issuer.empty()) writer.field("issuerdn", h.issuer);
  if (h.resumption != events::tls::Resumption::none) {
    writer.key("session_resumed");
    writer.json().Bool(true);
  }
  if (!h.serial.empty()) writer.field("serial", h.serial);
  if (!h.fingerprint.empty()) writer.field("fingerprint", h.fingerprint);
  if (!h.server_name.empty()) writer.field("sni", h.server_name);
  writer.field("version", h.server_hello_seen ? tls_version_name(h.version, buffer) : "UNDETERMINED");
  if (h.not_before != 0) write_date(writer, "notbefore", h.not_before);
  if (h.not_after != 0) write_date(writer, "notafter", h.not_after);
  write_strings(writer, "subjectaltname", h.subject_alt_names);
  write_fingerprint(writer, "ja3", h.ja3_hash, h.ja3);
  write_fingerprint(writer, "ja3s", h.ja3s_hash, h.ja3s);
  write_strings(writer, "client_alpns", h.alpn);
  if (!h.server_alpn.empty()) write_strings(writer, "server_alpns", std::span<const std::string_view>(&h.server_alpn, 1));
  if (h.client_hello_seen) {
    writer.key("client_handshake");
    writer.json().StartObject();
    writer.field("version", tls_handshake_version_name(h.client_legacy_version, buffer));
    write_numbers(writer, "ciphers", h.offered_ciphers);
    write_numbers(writer, "exts", h.client_extensions);
    write_numbers(writer, "sig_algs", h.signature_algorithms);
    writer.json().EndObject();
  }
  if (h.server_hello_seen) {
    writer.key("server_handshake");
    writer.json().StartObject();
    writer.field("version", tls_handshake_version_name(h.version, buffer));
    writer.key("cipher");
    writer.json().Uint(h.cipher_suite);
    write_numbers(writer, "exts", h.server_extensions);
    writer.json().EndObject();
  }
  writer.json().EndObject();
}

}  // namespace spanwatch::alert
