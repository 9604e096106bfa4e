#include "proto/tls/certificate_cache.hpp"

#include "core/digest.hpp"


#include <algorithm>
#include <cstring>

namespace spanwatch::proto::tls {

CertificateCache::CertificateCache(std::size_t entries, std::size_t max_subject_alt_names) {
  entries_.reserve(std::max<std::size_t>(entries, 1));
  for (std::size_t i = 0; i < std::max<std::size_t>(entries, 1); ++i) entries_.emplace_back(max_subject_alt_names);
}

void CertificateCache::copy(const CertificateInfo& from, CertificateInfo& to) {
  to.parsed = from.parsed;
  // Only the bytes used: copying whole FixedStrings would fault in every page of the target.
  to.subject.assign(from.subject.view());
  to.issuer.assign(from.issuer.view());
  to.serial.assign(from.serial.view());
  to.fingerprint.assign(from.fingerprint.view());
  to.not_before = from.not_before;
  to.not_after = from.not_after;
  to.san_count = std::min(from.san_count, to.subject_alt_names.size());
  to.sans_truncated = from.sans_truncated || to.san_count < from.san_count;
  for (std::size_t i = 0; i < to.san_count; ++i) {
    to.subject_alt_names[i].assign(from.subject_alt_names[i].view());
    to.san_views[i] = to.subject_alt_names[i].view();
  }
}

bool CertificateCache::read(core::Bytes der, CertificateInfo& out) {
  std::array<unsigned char, core::sha1_size> sha1{};
  core::sha1(der.data(), der.size(), sha1.data());
  std::uint32_t slot_hash = 0;
  std::memcpy(&slot_hash, sha1.data(), sizeof slot_hash);
  Entry& entry = entries_[slot_hash % entries_.size()];
  if (entry.valid && entry.der_size == der.size() && entry.sha1 == sha1) {
    ++hits_;
    copy(entry.info, out);
    return out.parsed;
  }
  ++misses_;
  const bool parsed = read_certificate(der, out);
  entry.valid = true;
  entry.der_size = der.size();
  entry.sha1 = sha1;
  copy(out, entry.info);
  return parsed;
}

}  // namespace spanwatch::proto::tls
