#pragma once
// What a parser keeps of each hello until the handshake summary. A hello is read in full into the
// worker's scratch (ClientState, ServerState: every list at the options' capacity) and its event is
// emitted from there; the parser then keeps the scalars whole and packs the lists the summary and
// JA3/JA3S need into a PackedLists sized to what was sent. The client's key_share groups and PSK
// modes appear only in its tls.client_hello event and are not kept.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "proto/tls/client_state.hpp"
#include "proto/tls/packed_lists.hpp"
#include "proto/tls/server_state.hpp"
#include "proto/tls/tls_options.hpp"

namespace spanwatch::proto::tls {

class KeptClientHello : public ClientHelloScalars {
 public:
  // Most clients' lists fit here (of the 87 real ClientHellos in the test corpus: median 132 bytes,
  // 82 within 256, none over 1 KiB); longer ones take a block.
  static constexpr std::size_t inline_bytes = 256;
  // The most a ClientState read with `options` can need: the size of the pool's blocks.
  static std::size_t max_bytes(const TlsOptions& options);

  void keep(const ClientState& hello, PackedBlockPools& pools);
  void clear();

  std::span<const std::uint16_t> cipher_suites() const { return lists_.view<std::uint16_t>(cipher_suites_); }
  std::span<const std::uint16_t> supported_versions() const { return lists_.view<std::uint16_t>(supported_versions_); }
  std::span<const std::uint16_t> extensions() const { return lists_.view<std::uint16_t>(extensions_); }
  std::span<const std::uint16_t> supported_groups() const { return lists_.view<std::uint16_t>(supported_groups_); }
  std::span<const std::uint16_t> signature_algorithms() const {
    return lists_.view<std::uint16_t>(signature_algorithms_);
  }
  std::span<const std::uint8_t> point_formats() const { return lists_.view<std::uint8_t>(point_formats_); }
  std::string_view server_name() const;
  // The ALPN names, as views written into `out` (room for the options' max_alpn); the first of `out` used.
  std::span<const std::string_view> alpn(std::span<std::string_view> out) const;
  std::span<const std::uint8_t> session_id_view() const { return {session_id.data(), session_id_length}; }

 private:
  PackedLists<inline_bytes> lists_;
  PackedSlice cipher_suites_, supported_versions_, extensions_, supported_groups_, signature_algorithms_,
      point_formats_;
  PackedSlice alpn_;  // bytes: each name as a length byte and the name
  PackedSlice server_name_;
};

class KeptServerHello : public ServerHelloScalars {
 public:
  // A server's extension types and ALPN choice: typically a handful of each.
  static constexpr std::size_t inline_bytes = 32;
  static std::size_t max_bytes(const TlsOptions& options);

  void keep(const ServerState& hello, PackedBlockPools& pools);
  // Writes the hello kept back into `to` (cleared first), as if `to` had read it.
  void restore(ServerState& to) const;
  void clear();

  std::span<const std::uint16_t> extensions() const { return lists_.view<std::uint16_t>(extensions_); }
  std::string_view alpn() const;

 private:
  PackedLists<inline_bytes> lists_;
  PackedSlice extensions_;
  PackedSlice alpn_;
};

}  // namespace spanwatch::proto::tls
