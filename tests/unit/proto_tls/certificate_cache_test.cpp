#include <catch2/catch.hpp>

#include "proto/tls/certificate_cache.hpp"
#include "support/test_certificate.hpp"

using namespace spanwatch;

TEST_CASE("A repeated certificate comes from the cache with the same fields as a fresh decode") {
  const core::Bytes der{spanwatch::testing::test_certificate_der.data(), spanwatch::testing::test_certificate_der.size()};
  proto::tls::CertificateInfo fresh(32), first(32), second(32);
  REQUIRE(proto::tls::read_certificate(der, fresh));

  proto::tls::CertificateCache cache(8, 32);
  REQUIRE(cache.read(der, first));
  REQUIRE(cache.read(der, second));
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 1);
  for (const auto* info : {&first, &second}) {
    CHECK(info->subject.view() == fresh.subject.view());
    CHECK(info->issuer.view() == fresh.issuer.view());
    CHECK(info->serial.view() == fresh.serial.view());
    CHECK(info->fingerprint.view() == fresh.fingerprint.view());
    CHECK(info->not_before == fresh.not_before);
    CHECK(info->not_after == fresh.not_after);
    REQUIRE(info->san_count == fresh.san_count);
    for (std::size_t i = 0; i < info->san_count; ++i) {
      CHECK(info->san_views[i] == fresh.san_views[i]);
      CHECK(info->san_views[i].data() == info->subject_alt_names[i].view().data());  // views into its own storage
    }
  }
}

TEST_CASE("The cache tells different certificates apart and remembers failures") {
  auto der = spanwatch::testing::test_certificate_der;
  proto::tls::CertificateCache cache(1, 32);  // one slot: every new certificate replaces the last
  proto::tls::CertificateInfo info(32);
  REQUIRE(cache.read({der.data(), der.size()}, info));
  const std::string subject(info.subject.view());
  der[der.size() - 1] ^= 0xff;  // a different certificate (its signature changed)
  cache.read({der.data(), der.size()}, info);
  CHECK(cache.misses() == 2);
  const std::array<std::uint8_t, 4> junk = {0x30, 0x03, 0x02, 0x01};
  CHECK_FALSE(cache.read({junk.data(), junk.size()}, info));
  CHECK_FALSE(cache.read({junk.data(), junk.size()}, info));  // a remembered failure is still a failure
  CHECK(cache.hits() == 1);
  CHECK_FALSE(subject.empty());
}
