#include "proto/tls/server_state.hpp"

#include <algorithm>

#include "proto/tls/cipher_suites.hpp"
#include "proto/tls/versions.hpp"

namespace spanwatch::proto::tls {
namespace {

// RFC 8446 4.1.3: SHA-256("HelloRetryRequest").
constexpr std::array<std::uint8_t, 32> hello_retry_random = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
constexpr std::array<std::uint8_t, 7> downgrade_prefix = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};

// Drafts before 22 (and Chrome's 0x7e experiments built on draft 18) put the version in
// ServerHello.version and drop session_id and compression_method.
bool draft_layout(std::uint16_t v) { return (is_tls13_draft(v) && (v & 0xffu) < 22) || is_tls13_experiment(v); }

WireError parse_draft_server_hello(core::Bytes body, ServerHelloWire& out) {
  core::ByteReader r(body);
  out.legacy_version = r.be16();
  out.random = r.take(32);
  out.session_id = {};
  out.cipher_suite = r.be16();
  out.compression = 0;
  out.has_extensions = false;
  out.extensions = {};
  if (!r.ok()) return WireError::truncated;
  if (r.empty()) return WireError::none;
  out.extensions = r.take(r.be16());
  out.has_extensions = true;
  if (!r.ok()) return WireError::truncated;
  return r.empty() ? WireError::none : WireError::trailing_bytes;
}

}  // namespace

ServerState::ServerState(const TlsOptions& o) : extensions(o.max_list_entries) {}

void ServerState::clear() {
  static_cast<ServerHelloScalars&>(*this) = {};
  extensions.clear();
  alpn.clear();
}

std::string_view ServerState::read(core::Bytes body, std::uint16_t record_version_,
                                   std::span<const std::uint8_t> client_session_id) {
  ServerHelloWire hello;
  const std::uint16_t first_version = body.size() >= 2 ? core::load_be16(body.data()) : 0;
  const WireError error =
      draft_layout(first_version) ? parse_draft_server_hello(body, hello) : parse_server_hello(body, hello);
  if (error != WireError::none) return "tls.malformed_server_hello";

  const bool earlier_retry = hello_retry_request;
  const unsigned earlier_hellos = hellos;
  clear();
  hellos = earlier_hellos + 1;
  hello_seen = true;
  record_version = record_version_;
  legacy_version = hello.legacy_version;
  cipher_suite = hello.cipher_suite;
  compression = hello.compression;
  std::copy_n(hello.random.begin(), random.size(), random.begin());
  session_id_length = static_cast<std::uint8_t>(hello.session_id.size());  // at most 32 (parse_server_hello)
  std::copy_n(hello.session_id.begin(), session_id_length, session_id.begin());

  std::string_view anomaly;
  ExtensionReader reader(hello.extensions);
  Extension extension;
  while (reader.next(extension)) {
    extensions.push(extension.type);
    if (const auto a = read_extension(extension); !a.empty()) anomaly = a;
  }
  if (reader.error() != WireError::none) anomaly = "tls.extensions_overrun";

  version = selected_version != 0 ? selected_version : legacy_version;
  hello_retry_request = random == hello_retry_random;
  // The HRR flag describes the handshake: it stays set on the ServerHello that follows the retry.
  const bool this_is_retry = hello_retry_request;
  hello_retry_request = hello_retry_request || earlier_retry;
  if (!this_is_retry && std::equal(downgrade_prefix.begin(), downgrade_prefix.end(), random.begin() + 24)) {
    if (random[31] == 1) sentinel = events::tls::DowngradeSentinel::tls12;
    if (random[31] == 0) sentinel = events::tls::DowngradeSentinel::tls11_or_below;
  }
  if (resumption == events::tls::Resumption::none && !is_tls13_class(version) && session_id_length > 0 &&
      std::equal(session_id.begin(), session_id.begin() + session_id_length, client_session_id.begin(),
                 client_session_id.end()))
    resumption = events::tls::Resumption::session_id;
  return anomaly;
}

std::string_view ServerState::read_extension(const Extension& e) {
  core::ByteReader r(e.data);
  switch (e.type) {
    case extension::supported_versions:
      selected_version = r.be16();
      break;
    case extension::key_share:
      key_share_group = r.be16();  // a ServerHello key share, or the HRR's selected group
      break;
    case extension::pre_shared_key:
      r.be16();  // selected_identity
      resumption = events::tls::Resumption::psk;
      break;
    case extension::alpn: {
      core::Bytes list;
      if (prefixed_list(e.data, 2, list) != WireError::none) return "tls.malformed_extension";
      core::ByteReader names(list);
      const core::Bytes name = names.take(names.u8());
      if (!names.ok()) return "tls.malformed_extension";
      alpn.assign(core::as_chars(name));
      return {};
    }
    default:
      return {};
  }
  return r.ok() ? std::string_view{} : std::string_view{"tls.malformed_extension"};
}

events::tls::ServerHello ServerState::event() const {
  events::tls::ServerHello e;
  const CipherSuite suite = find_cipher_suite(cipher_suite);
  e.record_version = record_version;
  e.legacy_version = legacy_version;
  e.selected_version = selected_version;
  e.version = version;
  e.cipher_suite = cipher_suite;
  e.cipher_name = suite.name;
  e.key_exchange = suite.key_exchange;
  e.compression = compression;
  e.random = random;
  e.session_id = std::span<const std::uint8_t>(session_id.data(), session_id_length);
  e.extensions = extensions.view();
  e.alpn = alpn.view();
  e.key_share_group = key_share_group;
  e.downgrade_sentinel = sentinel;
  e.hello_retry_request = random == hello_retry_random;
  e.resumption = resumption;
  return e;
}

}  // namespace spanwatch::proto::tls
