#pragma once
// What the TLS parsers of one worker share (a worker feeds one parser at a time): scratch used only
// inside one call — a second ClientHello nobody asked for, the JA3/JA3S text built for the summary —
// and pools of the parts a handshake holds for a while — handshake messages split across segments,
// the decoded server certificate. Keeps a parser in flight near 2 KiB plus what it really holds
// (measured in the README). The engine makes one per worker (TlsOptions::workspace); a parser built
// without one makes its own.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "proto/tls/certificate.hpp"
#include "proto/tls/client_state.hpp"
#include "proto/tls/ja3.hpp"
#include "proto/tls/tls_options.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::tls {

class TlsWorkspace {
 public:
  // `preallocated`: message buffers (and half as many certificates, at least one) built at once.
  explicit TlsWorkspace(const TlsOptions& options, std::size_t preallocated = 0);
  TlsWorkspace(const TlsWorkspace&) = delete;
  TlsWorkspace& operator=(const TlsWorkspace&) = delete;

  // Scratch: valid until the next call by any parser of the worker.
  ClientState& duplicate_client_hello() { return duplicate_client_hello_; }
  Fingerprint& ja3() { return ja3_; }
  Fingerprint& ja3s() { return ja3s_; }

  // One handshake message's bytes (empty, capacity max_handshake_message), until given back.
  proto::WorkerPool<std::vector<std::uint8_t>>& messages() { return messages_; }
  // One server certificate's fields (cleared), until given back.
  proto::WorkerPool<CertificateInfo>& certificates() { return certificates_; }

 private:
  ClientState duplicate_client_hello_;
  Fingerprint ja3_;
  Fingerprint ja3s_;
  proto::WorkerPool<std::vector<std::uint8_t>> messages_;
  proto::WorkerPool<CertificateInfo> certificates_;
};

}  // namespace spanwatch::proto::tls
