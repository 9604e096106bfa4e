#include <catch2/catch.hpp>

#include "proto/credentials.hpp"

using spanwatch::proto::CredentialOptions;
using spanwatch::proto::SecretMasker;

TEST_CASE("the masked form is the length and an 8-hex-digit keyed hash") {
  CredentialOptions options;
  options.mask_key = "key";
  const SecretMasker masker(options);
  // HMAC-SHA256(key="key", "password") = 4d42fb9f...; `echo -n password | openssl dgst -sha256 -hmac key`.
  const auto masked = masker.mask("password");
  CHECK(masked.view() == "len=8 hmac=4d42fb9f");
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

TEST_CASE("maskers with different keys in one thread each keep their own key, mask after mask") {
  // One HMAC context per thread is re-keyed when a masker with another key uses it; the masks must
  // be those of each masker's own key however the calls interleave.
  CredentialOptions one, two;
  one.mask_key = "one";
  two.mask_key = "two";
  const SecretMasker first(one), second(two);
  // `echo -n x | openssl dgst -sha256 -hmac one` = c2cb06a6..., with `-hmac two` = 59b534c4...
  for (int round = 0; round < 3; ++round) {
    CHECK(first.mask("x").view() == "len=1 hmac=c2cb06a6");
    CHECK(first.mask("x").view() == "len=1 hmac=c2cb06a6");
    CHECK(second.mask("x").view() == "len=1 hmac=59b534c4");
  }
}
