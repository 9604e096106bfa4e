#include "proto/tls/tls_workspace.hpp"

#include <algorithm>

#include "proto/tls/kept_hellos.hpp"

namespace spanwatch::proto::tls {

TlsWorkspace::TlsWorkspace(const TlsOptions& options, std::size_t preallocated)
    : client_hello_(options),
      server_hello_(options),
      certificate_decoder_(options.max_subject_alt_names),
      alpn_views_(options.max_alpn),
      subject_alt_names_(options.max_subject_alt_names),
      messages_(reserved_vectors<std::uint8_t>(options.max_handshake_message), preallocated),
      packed_blocks_(std::max({KeptClientHello::max_bytes(options), KeptServerHello::max_bytes(options),
                               max_packed_certificate_size(options.max_subject_alt_names)}),
                     preallocated) {}

}  // namespace spanwatch::proto::tls
