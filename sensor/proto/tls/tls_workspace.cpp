#include "proto/tls/tls_workspace.hpp"

#include <algorithm>

namespace spanwatch::proto::tls {

TlsWorkspace::TlsWorkspace(const TlsOptions& options, std::size_t preallocated)
    : duplicate_client_hello_(options),
      messages_(
          [bytes = options.max_handshake_message] {
            auto buffer = std::make_unique<std::vector<std::uint8_t>>();
            buffer->reserve(bytes);
            return buffer;
          },
          preallocated),
      certificates_([sans = options.max_subject_alt_names] { return std::make_unique<CertificateInfo>(sans); },
                    std::max<std::size_t>(preallocated / 2, 1)) {}

}  // namespace spanwatch::proto::tls
