#pragma once
// X.509 certificate fields through OpenSSL (d2i_X509), copied into bounded storage. OpenSSL allocates
// while decoding: that happens once per handshake (one certificate), never per packet.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/fixed_string.hpp"

namespace spanwatch::proto::tls {

struct CertificateInfo {
  explicit CertificateInfo(std::size_t max_subject_alt_names);
  void clear();

  bool parsed = false;
  core::FixedString<1024> subject;
  core::FixedString<1024> issuer;
  core::FixedString<128> serial;       // "00:E5:...": DER content bytes, upper-case hex (Suricata's form)
  core::FixedString<64> fingerprint;   // SHA-1 of the DER, "ab:cd:..."
  std::int64_t not_before = 0;         // Unix seconds, UTC
  std::int64_t not_after = 0;
  std::vector<core::FixedString<256>> subject_alt_names;  // preallocated; first san_count used
  std::vector<std::string_view> san_views;                 // views of the above, same count
  std::size_t san_count = 0;
  bool sans_truncated = false;
};

// Fills `out` from one DER certificate; returns false (out.parsed == false) if OpenSSL rejects it.
bool read_certificate(core::Bytes der, CertificateInfo& out);

}  // namespace spanwatch::proto::tls
