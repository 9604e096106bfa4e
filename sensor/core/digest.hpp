#pragma once
// SHA-1 and MD5 (certificate fingerprints and cache keys, JA3/JA3S, Community ID) without OpenSSL 3's implicit
// algorithm fetch on every call: SHA1() and EVP_Digest(..., EVP_sha1(), ...) look the algorithm up in
// the provider store each time, which was half the cost of a certificate-cache hit. The algorithms
// are fetched once per thread and a digest context is reused.
#include <cstddef>

namespace spanwatch::core {

inline constexpr std::size_t sha1_size = 20;
inline constexpr std::size_t md5_size = 16;

// `out` has room for the digest. False when OpenSSL could not provide the algorithm.
bool sha1(const void* data, std::size_t size, unsigned char* out);
bool md5(const void* data, std::size_t size, unsigned char* out);

}  // namespace spanwatch::core
