#include "proto/credentials.hpp"

#include <array>
#include <cstdio>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
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

// HMAC-SHA256 without OpenSSL 3's implicit fetch: HMAC(EVP_sha256(), ...) looks up the HMAC and
// SHA-256 implementations in the provider store and builds three digest contexts on every call
// (~23,000 instructions a mask). The MAC is fetched once per thread and its context keeps the key,
// re-initialised per mask (OpenSSL restarts from the saved inner/outer state: no allocation). One
// context per thread (contexts are not shared between threads); a masker with another key re-keys it.
class HmacSha256 {
 public:
  HmacSha256() : mac_(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr)) {
    if (mac_ != nullptr) context_ = EVP_MAC_CTX_new(mac_);
  }
  ~HmacSha256() {
    EVP_MAC_CTX_free(context_);
    EVP_MAC_free(mac_);
  }
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // Writes the 32-byte MAC of `data` under `key` to `out`; false when OpenSSL failed.
  bool compute(std::string_view key, std::string_view data, unsigned char* out, std::size_t out_size) {
    if (context_ == nullptr) return false;
    if (!keyed_ || key != key_) {
      char digest_name[] = "SHA256";
      const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                                   OSSL_PARAM_construct_end()};
      keyed_ = EVP_MAC_init(context_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1;
      if (!keyed_) return false;
      key_.assign(key);  // once per key: the per-run key, or the configured one
    } else if (EVP_MAC_init(context_, nullptr, 0, nullptr) != 1) {
      keyed_ = false;
      return false;
    }
    std::size_t written = 0;
    return EVP_MAC_update(context_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
           EVP_MAC_final(context_, out, &written, out_size) == 1 && written >= 4;
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* context_ = nullptr;
  std::string key_;  // the key context_ holds
  bool keyed_ = false;
};

HmacSha256& hmac_sha256() {
  thread_local HmacSha256 hmac;  // per worker thread
  return hmac;
}

}  // namespace

SecretMasker::SecretMasker(const CredentialOptions& options)
    : log_cleartext_(options.log_cleartext), key_(options.mask_key.empty() ? per_run_key() : options.mask_key) {}

MaskedSecret SecretMasker::mask(std::string_view secret) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  const bool ok = hmac_sha256().compute(key_, secret, digest.data(), digest.size());
  char text[MaskedSecret::capacity() + 1] = {};
  int written = 0;
  if (!ok) {
    written = std::snprintf(text, sizeof text, "len=%zu", secret.size());
  } else {
    written = std::snprintf(text, sizeof text, "len=%zu hmac=%02x%02x%02x%02x", secret.size(), digest[0], digest[1],
                            digest[2], digest[3]);
  }
  if (written < 0) written = 0;
  return MaskedSecret(std::string_view(text, static_cast<std::size_t>(written)));
}

}  // namespace spanwatch::proto
