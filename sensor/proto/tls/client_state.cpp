#include "proto/tls/client_state.hpp"

#include <algorithm>

#include "proto/tls/versions.hpp"

namespace spanwatch::proto::tls {
namespace {

// Reads a list of big-endian 16-bit values that fills `list` exactly.
bool read_u16_list(core::Bytes list, BoundedList<std::uint16_t>& out) {
  if (list.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < list.size(); i += 2) out.push(core::load_be16(list.data() + i));
  return true;
}

void read_u8_list(core::Bytes list, BoundedList<std::uint8_t>& out) {
  for (const std::uint8_t v : list) out.push(v);
}

constexpr std::string_view malformed_extension = "tls.malformed_extension";

}  // namespace

ClientState::ClientState(const TlsOptions& o)
    : cipher_suites(o.max_cipher_suites),
      supported_versions(o.max_list_entries),
      extensions(o.max_list_entries),
      supported_groups(o.max_list_entries),
      key_share_groups(o.max_list_entries),
      signature_algorithms(o.max_list_entries),
      point_formats(o.max_list_entries),
      psk_modes(o.max_list_entries),
      alpn(o.max_alpn),
      alpn_views(o.max_alpn) {}

void ClientState::clear() {
  static_cast<ClientHelloScalars&>(*this) = {};
  for (auto* list : {&cipher_suites, &supported_versions, &extensions, &supported_groups, &key_share_groups,
                     &signature_algorithms})
    list->clear();
  point_formats.clear();
  psk_modes.clear();
  alpn_count = 0;
  alpn_truncated = false;
  server_name.clear();
}

bool ClientState::truncated() const {
  return cipher_suites.truncated() || supported_versions.truncated() || extensions.truncated() ||
         supported_groups.truncated() || key_share_groups.truncated() || signature_algorithms.truncated() ||
         point_formats.truncated() || psk_modes.truncated() || alpn_truncated;
}

std::string_view ClientState::read(const ClientHelloWire& hello, std::uint16_t record_version_, bool sslv2_) {
  // A second hello (after HelloRetryRequest, or a duplicate) replaces the lists; SCSVs accumulate.
  const unsigned previous_hellos = hellos;
  const bool previous_fallback = fallback_scsv;
  clear();
  hellos = previous_hellos + 1;
  fallback_scsv = previous_fallback;
  sslv2 = sslv2_;
  record_version = record_version_;
  legacy_version = hello.legacy_version;
  session_id_length = static_cast<std::uint8_t>(std::min(hello.session_id.size(), session_id.size()));
  std::copy_n(hello.session_id.begin(), session_id_length, session_id.begin());

  const std::size_t width = hello.cipher_spec_width;
  for (std::size_t i = 0; i + width <= hello.cipher_suites.size(); i += width) {
    const std::uint8_t* spec = hello.cipher_suites.data() + i;
    // SSLv2 CIPHER-SPECs with a zero first byte are TLS suites; the others are SSLv2-only kinds.
    if (width == 3 && spec[0] != 0) continue;
    const std::uint16_t suite = core::load_be16(spec + (width - 2));
    cipher_suites.push(suite);
    if (suite == 0x5600) fallback_scsv = true;
    if (suite == 0x00ff) renegotiation_scsv = true;
  }

  std::string_view anomaly;
  ExtensionReader reader(hello.extensions);
  Extension extension;
  while (reader.next(extension)) {
    extensions.push(extension.type);
    if (const auto a = read_extension(extension); !a.empty()) anomaly = a;
  }
  if (reader.error() != WireError::none) anomaly = "tls.extensions_overrun";

  max_version = legacy_version;
  for (const std::uint16_t v : supported_versions.view())
    if (version_rank(v) > version_rank(max_version)) max_version = v;
  return anomaly;
}

std::string_view ClientState::read_extension(const Extension& e) {
  core::Bytes list;
  switch (e.type) {
    case extension::server_name: {
      core::Bytes host;
      if (parse_server_name(e.data, host) != WireError::none) return malformed_extension;
      server_name.assign(core::as_chars(host));
      return {};
    }
    case extension::supported_groups:
      if (prefixed_list(e.data, 2, list) != WireError::none || !read_u16_list(list, supported_groups))
        return malformed_extension;
      return {};
    case extension::ec_point_formats:
      if (prefixed_list(e.data, 1, list) != WireError::none) return malformed_extension;
      read_u8_list(list, point_formats);
      return {};
    case extension::signature_algorithms:
      if (prefixed_list(e.data, 2, list) != WireError::none || !read_u16_list(list, signature_algorithms))
        return malformed_extension;
      return {};
    case extension::alpn: {
      if (prefixed_list(e.data, 2, list) != WireError::none) return malformed_extension;
      core::ByteReader r(list);
      while (!r.empty()) {
        const core::Bytes name = r.take(r.u8());
        if (!r.ok()) return malformed_extension;
        if (alpn_count == alpn.size()) {
          alpn_truncated = true;
          continue;
        }
        alpn[alpn_count].assign(core::as_chars(name));
        alpn_views[alpn_count] = alpn[alpn_count].view();
        ++alpn_count;
      }
      return {};
    }
    case extension::session_ticket:
      session_ticket = true;
      session_ticket_data = !e.data.empty();
      return {};
    case extension::pre_shared_key:
      pre_shared_key = true;
      return {};
    case extension::supported_versions:
      if (prefixed_list(e.data, 1, list) != WireError::none || !read_u16_list(list, supported_versions))
        return malformed_extension;
      return {};
    case extension::psk_key_exchange_modes:
      if (prefixed_list(e.data, 1, list) != WireError::none) return malformed_extension;
      read_u8_list(list, psk_modes);
      return {};
    case extension::key_share: {
      if (prefixed_list(e.data, 2, list) != WireError::none) return malformed_extension;
      core::ByteReader r(list);
      while (!r.empty()) {
        const std::uint16_t group = r.be16();
        r.take(r.be16());
        if (!r.ok()) return malformed_extension;
        key_share_groups.push(group);
      }
      return {};
    }
    default:
      return {};
  }
}

events::tls::ClientHello ClientState::event() const {
  events::tls::ClientHello e;
  e.record_version = record_version;
  e.legacy_version = legacy_version;
  e.max_version = max_version;
  e.sslv2_compatible = sslv2;
  e.index = hellos;
  e.cipher_suites = cipher_suites.view();
  e.supported_versions = supported_versions.view();
  e.extensions = extensions.view();
  e.supported_groups = supported_groups.view();
  e.key_share_groups = key_share_groups.view();
  e.signature_algorithms = signature_algorithms.view();
  e.psk_key_exchange_modes = psk_modes.view();
  e.alpn = std::span<const std::string_view>(alpn_views.data(), alpn_count);
  e.server_name = server_name.view();
  e.session_id = std::span<const std::uint8_t>(session_id.data(), session_id_length);
  e.fallback_scsv = fallback_scsv;
  e.renegotiation_scsv = renegotiation_scsv;
  e.session_ticket = session_ticket;
  e.session_ticket_data = session_ticket_data;
  e.pre_shared_key = pre_shared_key;
  return e;
}

}  // namespace spanwatch::proto::tls
