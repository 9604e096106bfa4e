#pragma once
// What the server's hello said (and what followed it: ServerKeyExchange, resumption), copied out of
// the hello into bounded storage.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/fixed_string.hpp"
#include "events/tls.hpp"
#include "proto/tls/bounded_list.hpp"
#include "proto/tls/tls_options.hpp"
#include "proto/tls/wire.hpp"

namespace spanwatch::proto::tls {

// The scalar facts of a ServerHello and of what followed it: kept whole (KeptServerHello), with the
// lists packed beside them.
struct ServerHelloScalars {
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
  std::uint8_t session_id_length = 0;
  std::uint16_t key_share_group = 0;
  events::tls::DowngradeSentinel sentinel = events::tls::DowngradeSentinel::none;
  bool hello_retry_request = false;
  events::tls::Resumption resumption = events::tls::Resumption::none;
  bool server_key_exchange = false;
};

// One ServerHello read in full: the worker's scratch, from which the tls.server_hello event is emitted.
struct ServerState : ServerHelloScalars {
  explicit ServerState(const TlsOptions& options);
  void clear();

  // Reads one ServerHello body (the handshake message after its 4-byte header) over the hello read
  // before (a retry builds on it; a rejected hello leaves it). Returns an anomaly name, or empty.
  // Handles the pre-draft-22 TLS 1.3 layout (no session id, no compression).
  std::string_view read(core::Bytes body, std::uint16_t record_version,
                        std::span<const std::uint8_t> client_session_id);
  events::tls::ServerHello event() const;

  BoundedList<std::uint16_t> extensions;
  core::FixedString<64> alpn;

 private:
  std::string_view read_extension(const Extension& extension);
};

}  // namespace spanwatch::proto::tls
