#pragma once
// What a parser may reveal about a secret (password, bearer token, SASL response). By default only
// its masked form leaves the parser: length plus a truncated keyed hash, so a SIEM can correlate
// reuse of one secret without seeing it. Lab mode (`log_cleartext`) also hands out the secret.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/fixed_string.hpp"

namespace spanwatch::proto {

struct CredentialOptions {
  bool log_cleartext = false;
  // HMAC key for the masked form. Empty: a random key generated once per process (run), so masks
  // correlate within a run but not across runs.
  std::string mask_key;
};

// "len=8 hmac=3f2a9c1e": fits a FixedString of this size.
using MaskedSecret = core::FixedString<40>;

class SecretMasker {
 public:
  explicit SecretMasker(const CredentialOptions& options);

  bool log_cleartext() const { return log_cleartext_; }
  // The masked form of `secret` (HMAC-SHA256 under the key, first 4 bytes in hex).
  MaskedSecret mask(std::string_view secret) const;

 private:
  bool log_cleartext_ = false;
  std::string key_;  // copied once at construction
};

}  // namespace spanwatch::proto
