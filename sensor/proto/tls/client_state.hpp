#pragma once
// What the client's hello said, copied out of a parsed ClientHelloWire into bounded storage: lists
// keep at most the option's capacity and remember truncation.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/fixed_string.hpp"
#include "events/tls.hpp"
#include "proto/tls/bounded_list.hpp"
#include "proto/tls/tls_options.hpp"
#include "proto/tls/wire.hpp"

namespace spanwatch::proto::tls {

// The scalar facts of a ClientHello: kept whole for the summary (KeptClientHello), with the lists
// packed beside them.
struct ClientHelloScalars {
  unsigned hellos = 0;
  bool sslv2 = false;
  std::uint16_t record_version = 0;
  std::uint16_t legacy_version = 0;
  std::uint16_t max_version = 0;
  std::array<std::uint8_t, 32> session_id{};
  std::uint8_t session_id_length = 0;
  bool fallback_scsv = false;
  bool renegotiation_scsv = false;
  bool session_ticket = false;
  bool session_ticket_data = false;
  bool pre_shared_key = false;
};

// One ClientHello read in full (lists up to the options' capacities): the worker's scratch, from
// which the tls.client_hello event is emitted.
struct ClientState : ClientHelloScalars {
  explicit ClientState(const TlsOptions& options);
  void clear();

  // Reads one ClientHello (the second one replaces the first; flags accumulate). Returns an anomaly
  // name, or empty if the hello was well formed.
  std::string_view read(const ClientHelloWire& hello, std::uint16_t record_version, bool sslv2);
  // The event for the hello just read; views valid until the next read() or clear().
  events::tls::ClientHello event() const;
  bool truncated() const;

  BoundedList<std::uint16_t> cipher_suites;
  BoundedList<std::uint16_t> supported_versions;
  BoundedList<std::uint16_t> extensions;
  BoundedList<std::uint16_t> supported_groups;
  BoundedList<std::uint16_t> key_share_groups;
  BoundedList<std::uint16_t> signature_algorithms;
  BoundedList<std::uint8_t> point_formats;
  BoundedList<std::uint8_t> psk_modes;
  std::vector<core::FixedString<64>> alpn;
  std::vector<std::string_view> alpn_views;
  std::size_t alpn_count = 0;
  bool alpn_truncated = false;
  core::FixedString<256> server_name;

 private:
  std::string_view read_extension(const Extension& extension);
};

}  // namespace spanwatch::proto::tls
