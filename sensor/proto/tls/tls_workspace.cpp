#include "proto/tls/tls_workspace.hpp"

#include <algorithm>

namespace spanwatch::proto::tls {

TlsWorkspace::TlsWorkspace(const TlsOptions& options, std::size_t preallocated)
    : duplicate_client_hello_(options),
      messages_(reserved_vectors<std::uint8_t>(options.max_handshake_message), preallocated),
      certificates_([sans = options.max_subject_alt_names] { return std::make_unique<CertificateInfo>(sans); },
                    std::max<std::size_t>(preallocated / 2, 1)) {}

}  // namespace spanwatch::proto::tls
