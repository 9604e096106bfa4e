#pragma once
// What the server's hello said (and what followed it: ServerKeyExchange, certificate), copied into
// bounded storage for the handshake summary.
#include <array>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "events/tls.hpp"
#include "proto/tls/bounded_list.hpp"
#include "proto/tls/client_state.hpp"
#include "proto/tls/tls_options.hpp"
#include "proto/tls/wire.hpp"

namespace spanwatch::proto::tls {

struct ServerState {
  explicit ServerState(const TlsOptions& options);
  void clear();

  // Reads one ServerHello body (the handshake message after its 4-byte header). Returns an anomaly
  // name, or empty. Handles the pre-draft-22 TLS 1.3 layout (no session id, no compression).
  std::string_view read(core::Bytes body, std::uint16_t record_version, const ClientState& client);
  events::tls::ServerHello event() const;

  bool hello_seen = false;
  unsigned hellos = 0;
  std::uint16_t record_version = 0;
  std::uint16_t legacy_version = 0;
  std::uint16_t selected_version = 0;
  std::uint16_t version = 0;
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression = 0;
  std::array<std::uint8_t, 32> random{};
  std::array<std::uint8_t, 32> session_id{};
  std::size_t session_id_length = 0;
  BoundedList<std::uint16_t> extensions;
  core::FixedString<64> alpn;
  std::uint16_t key_share_group = 0;
  events::tls::DowngradeSentinel sentinel = events::tls::DowngradeSentinel::none;
  bool hello_retry_request = false;
  events::tls::Resumption resumption = events::tls::Resumption::none;
  bool server_key_exchange = false;

 private:
  std::string_view read_extension(const Extension& extension);
};

}  // namespace spanwatch::proto::tls
