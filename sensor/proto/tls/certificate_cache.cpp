#include "proto/tls/certificate_cache.hpp"

#include <algorithm>
#include <functional>
#include <string_view>

namespace spanwatch::proto::tls {

CertificateCache::CertificateCache(std::size_t entries, std::size_t max_subject_alt_names, std::size_t max_der_size)
    : entries_(std::max<std::size_t>(entries, 1)), max_der_size_(max_der_size), decoder_(max_subject_alt_names) {}

std::size_t CertificateCache::slot_of(core::Bytes der) const {
  // The last bytes of a certificate lie in its signature: as good a spread as hashing the whole DER
  // (which cost more than the rest of a cache hit), and a hit compares every byte anyway.
  const core::Bytes tail = der.last(std::min(der.size(), slot_hash_bytes));
  return (std::hash<std::string_view>{}(core::as_chars(tail)) ^ der.size()) % entries_.size();
}

core::Bytes CertificateCache::read(core::Bytes der) {
  if (der.size() > max_der_size_) {
    ++misses_;
    return decoder_.decode(der);
  }
  Entry& entry = entries_[slot_of(der)];
  if (entry.valid && std::equal(der.begin(), der.end(), entry.der.begin(), entry.der.end())) {
    ++hits_;
    return entry.packed;
  }
  ++misses_;
  const core::Bytes packed = decoder_.decode(der);
  entry.valid = true;
  entry.der.assign(der.begin(), der.end());
  entry.packed.assign(packed.begin(), packed.end());
  return entry.packed;
}

}  // namespace spanwatch::proto::tls
