#pragma once
// Decoded certificates, remembered by the SHA-1 of their DER. The same server certificate comes back
// on every handshake to that server, and OpenSSL 3's d2i_X509 (which also decodes the public key
// through its provider machinery) costs far more than the rest of a handshake: measured at 40 % of
// the sensor's time on a TLS-heavy mix. Direct-mapped, preallocated, one per worker (not shared
// between threads); a miss decodes and replaces the slot.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "proto/tls/certificate.hpp"

namespace spanwatch::proto::tls {

class CertificateCache {
 public:
  CertificateCache(std::size_t entries, std::size_t max_subject_alt_names);

  // Fills `out` as read_certificate() would; returns out.parsed.
  bool read(core::Bytes der, CertificateInfo& out);

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    explicit Entry(std::size_t max_sans) : info(max_sans) {}
    bool valid = false;
    std::size_t der_size = 0;
    std::array<unsigned char, 20> sha1{};
    CertificateInfo info;
  };

  static void copy(const CertificateInfo& from, CertificateInfo& to);

  std::vector<Entry> entries_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace spanwatch::proto::tls
