#include "proto/credentials.hpp"

#include <array>
#include <cstdio>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace spanwatch::proto {
namespace {

// One key per process when the configuration gives none: generated on first use, never logged.
const std::string& per_run_key() {
  static const std::string key = [] {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      // No entropy: masks still hide the secret's value, but become comparable across runs.
      bytes.fill(0x5a);
    }
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }();
  return key;
}

}  // namespace

SecretMasker::SecretMasker(const CredentialOptions& options)
    : log_cleartext_(options.log_cleartext), key_(options.mask_key.empty() ? per_run_key() : options.mask_key) {}

MaskedSecret SecretMasker::mask(std::string_view secret) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(secret.data()),
           secret.size(), digest.data(), &digest_size);
  char text[MaskedSecret::capacity() + 1] = {};
  int written = 0;
  if (ok == nullptr || digest_size < 4) {
    written = std::snprintf(text, sizeof text, "len=%zu", secret.size());
  } else {
    written = std::snprintf(text, sizeof text, "len=%zu hmac=%02x%02x%02x%02x", secret.size(), digest[0], digest[1],
                            digest[2], digest[3]);
  }
  if (written < 0) written = 0;
  return MaskedSecret(std::string_view(text, static_cast<std::size_t>(written)));
}

}  // namespace spanwatch::proto
