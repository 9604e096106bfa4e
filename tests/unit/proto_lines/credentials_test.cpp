#include <catch2/catch.hpp>

#include "proto/credentials.hpp"

using spanwatch::proto::CredentialOptions;
using spanwatch::proto::SecretMasker;

TEST_CASE("the masked form is the length and an 8-hex-digit keyed hash") {
  CredentialOptions options;
  options.mask_key = "key";
  const SecretMasker masker(options);
  // HMAC-SHA256(key="key", "password") starts with 0x5f....; checked with `openssl dgst -sha256 -hmac key`.
  const auto masked = masker.mask("password");
  CHECK(std::string(masked.view()).rfind("len=8 hmac=", 0) == 0);
  CHECK(masked.view().size() == std::string_view("len=8 hmac=01234567").size());
  CHECK(masker.mask("password") == masked);
  CHECK_FALSE(masker.mask("passwore") == masked);
}

TEST_CASE("masks depend on the key, and the per-run key is the same for every masker") {
  CredentialOptions a, b, none;
  a.mask_key = "one";
  b.mask_key = "two";
  CHECK_FALSE(SecretMasker(a).mask("x") == SecretMasker(b).mask("x"));
  CHECK(SecretMasker(none).mask("x") == SecretMasker(none).mask("x"));
  CHECK_FALSE(SecretMasker(none).log_cleartext());
}
