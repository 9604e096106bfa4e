#pragma once
// X.509 certificate fields through OpenSSL (d2i_X509), copied into bounded storage, and packed into
// bytes sized to them. OpenSSL allocates while decoding: that happens once per certificate decoded
// (the cache remembers the rest), never per packet.
#include <cstddef>
#include <cstdint>
#include <span>
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

// A certificate's fields packed into bytes sized to them (a few hundred for most certificates, where
// a CertificateInfo reserves 11 KiB): what the certificate cache keeps and what a parser holds until
// its summary. CertificateInfo is only the decoder's scratch.
std::size_t packed_certificate_size(const CertificateInfo& info);
// The largest packed_certificate_size() of a CertificateInfo(max_subject_alt_names).
std::size_t max_packed_certificate_size(std::size_t max_subject_alt_names);
// Writes `info` into `out` (packed_certificate_size(info) bytes).
void pack_certificate(const CertificateInfo& info, std::span<std::uint8_t> out);

// The fields of a packed certificate: views into its bytes, the subject alternative names' views
// written into a span the caller provides (at most its size are kept; the rest count as truncated).
struct CertificateFields {
  bool parsed = false;
  std::string_view subject;
  std::string_view issuer;
  std::string_view serial;
  std::string_view fingerprint;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::span<const std::string_view> subject_alt_names;
  bool sans_truncated = false;
};
CertificateFields unpack_certificate(core::Bytes packed, std::span<std::string_view> san_views);

// read_certificate() then pack_certificate(), into buffers reserved once.
class CertificateDecoder {
 public:
  explicit CertificateDecoder(std::size_t max_subject_alt_names);
  // The packed fields of `der`; valid until the next decode().
  core::Bytes decode(core::Bytes der);

 private:
  CertificateInfo info_;
  std::vector<std::uint8_t> packed_;
};

}  // namespace spanwatch::proto::tls
