#pragma once
// What the TLS parsers of one worker share (a worker feeds one parser at a time): scratch used only
// inside one call — each hello read in full (every list at the options' capacity) while its event is
// emitted, a certificate decoded without a cache, the ALPN and SAN views and the JA3/JA3S text built
// for events — pools of the parts a handshake holds for a while — handshake messages split across
// segments, the packed server certificate, hellos' lists too long for a parser's inline storage.
// Keeps a parser in flight under 1 KiB (measured in the README). The engine makes one
// per worker (TlsOptions::workspace); a parser built without one makes its own.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "proto/tls/certificate.hpp"
#include "proto/tls/client_state.hpp"
#include "proto/tls/ja3.hpp"
#include "proto/tls/packed_lists.hpp"
#include "proto/tls/server_state.hpp"
#include "proto/tls/tls_options.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::tls {

class TlsWorkspace {
 public:
  // `preallocated`: message buffers and packed blocks of each size built at once.
  explicit TlsWorkspace(const TlsOptions& options, std::size_t preallocated = 0);
  TlsWorkspace(const TlsWorkspace&) = delete;
  TlsWorkspace& operator=(const TlsWorkspace&) = delete;

  // Scratch: valid until the next call by any parser of the worker.
  ClientState& client_hello() { return client_hello_; }
  ServerState& server_hello() { return server_hello_; }
  CertificateDecoder& certificate_decoder() { return certificate_decoder_; }
  std::span<std::string_view> alpn_views() { return alpn_views_; }                  // max_alpn entries
  std::span<std::string_view> subject_alt_names() { return subject_alt_names_; }    // max_subject_alt_names
  Fingerprint& ja3() { return ja3_; }
  Fingerprint& ja3s() { return ja3s_; }

  // One handshake message's bytes (empty, capacity max_handshake_message), until given back.
  proto::WorkerPool<std::vector<std::uint8_t>>& messages() { return messages_; }
  // Blocks for a hello's lists that do not fit a parser's inline storage, and for the server
  // certificate's packed fields until the summary.
  PackedBlockPools& packed_blocks() { return packed_blocks_; }

 private:
  ClientState client_hello_;
  ServerState server_hello_;
  CertificateDecoder certificate_decoder_;
  std::vector<std::string_view> alpn_views_;
  std::vector<std::string_view> subject_alt_names_;
  Fingerprint ja3_;
  Fingerprint ja3s_;
  proto::WorkerPool<std::vector<std::uint8_t>> messages_;
  PackedBlockPools packed_blocks_;
};

}  // namespace spanwatch::proto::tls
