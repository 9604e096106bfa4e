#pragma once
// Decoded certificates, remembered by their DER. The same server certificate comes back on every
// handshake to that server, and OpenSSL 3's d2i_X509 (which also decodes the public key through its
// provider machinery) costs far more than the rest of a handshake: measured at 40 % of the sensor's
// time on a TLS-heavy mix. Direct-mapped, one per worker (not shared between threads); a miss decodes
// and replaces the slot.
//
// The slot is chosen by a fast non-cryptographic hash (std::hash) of the DER's last bytes and a hit
// is confirmed by comparing the whole DER kept in the entry, so a collision only costs a miss: it
// never returns another certificate's fields. The SHA-1 fingerprint is computed once, on the miss,
// and kept with the other fields (hashing every certificate with SHA-1 just to find its slot was
// half the TLS parser's instructions). An entry keeps the DER and the packed fields (certificate.hpp),
// both sized to the certificate: they grow on a miss, when OpenSSL allocates anyway.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "proto/tls/certificate.hpp"

namespace spanwatch::proto::tls {

class CertificateCache {
 public:
  // Certificates longer than this are decoded every time rather than kept: a leaf certificate is
  // typically 1-2 KiB and rarely over 4 KiB, so with its packed fields an entry costs at most ~19 KiB
  // (256 entries: under 5 MiB) and typically 2 KiB (256 entries: 0.5 MiB).
  static constexpr std::size_t default_max_der_size = 8 * 1024;

  CertificateCache(std::size_t entries, std::size_t max_subject_alt_names,
                   std::size_t max_der_size = default_max_der_size);

  // The packed fields (certificate.hpp) of `der`, remembered or decoded; valid until the next read().
  core::Bytes read(core::Bytes der);

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }  // decoded, including those too long to keep

 private:
  static constexpr std::size_t slot_hash_bytes = 64;
  std::size_t slot_of(core::Bytes der) const;

  struct Entry {
    bool valid = false;
    std::vector<std::uint8_t> der;     // the certificate the fields were decoded from
    std::vector<std::uint8_t> packed;  // its fields
  };

  std::vector<Entry> entries_;
  std::size_t max_der_size_;
  CertificateDecoder decoder_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace spanwatch::proto::tls
