#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "proto/tls/certificate_cache.hpp"
#include "support/test_certificate.hpp"

using namespace spanwatch;

namespace {

// A certificate's fields as owned strings, from a decode or from packed bytes.
struct Fields {
  bool parsed = false;
  std::string subject, issuer, serial, fingerprint;
  std::int64_t not_before = 0, not_after = 0;
  std::vector<std::string> subject_alt_names;
  bool sans_truncated = false;
  bool operator==(const Fields&) const = default;
};

Fields fields_of(const proto::tls::CertificateInfo& info) {
  Fields f{info.parsed,         std::string(info.subject.view()),     std::string(info.issuer.view()),
           std::string(info.serial.view()), std::string(info.fingerprint.view()), info.not_before,
           info.not_after,      {},                                   info.sans_truncated};
  for (std::size_t i = 0; i < info.san_count; ++i) f.subject_alt_names.emplace_back(info.subject_alt_names[i].view());
  return f;
}

Fields fields_of(core::Bytes packed, std::size_t max_sans = 32) {
  std::vector<std::string_view> views(max_sans);
  const proto::tls::CertificateFields c = proto::tls::unpack_certificate(packed, views);
  Fields f{c.parsed,        std::string(c.subject), std::string(c.issuer), std::string(c.serial),
           std::string(c.fingerprint), c.not_before, c.not_after, {}, c.sans_truncated};
  for (const auto name : c.subject_alt_names) f.subject_alt_names.emplace_back(name);
  return f;
}

Fields decoded(core::Bytes der) {
  proto::tls::CertificateInfo info(32);
  proto::tls::read_certificate(der, info);
  return fields_of(info);
}

std::vector<std::uint8_t> test_der() {
  return {spanwatch::testing::test_certificate_der.begin(), spanwatch::testing::test_certificate_der.end()};
}

}  // namespace

TEST_CASE("packed certificate fields read back as they were decoded") {
  proto::tls::CertificateInfo info(4);
  info.parsed = true;
  info.subject.assign("CN=files.example.test, O=Spanwatch Demo");
  info.issuer.assign("C=US, O=Example CA");
  info.serial.assign("00:E5:01");
  info.fingerprint.assign("ab:cd:ef");
  info.not_before = -86400;  // before 1970: the sign survives
  info.not_after = 4102444800;
  for (const std::string_view name : {"files.example.test", "", "192.0.2.7"})
    info.subject_alt_names[info.san_count++].assign(name);
  std::vector<std::uint8_t> packed(proto::tls::packed_certificate_size(info));
  proto::tls::pack_certificate(info, packed);
  CHECK(fields_of(packed) == fields_of(info));

  // A reader with room for fewer names keeps the first and says the list was truncated.
  const Fields one_name = fields_of(packed, 1);
  CHECK(one_name.subject_alt_names == std::vector<std::string>{"files.example.test"});
  CHECK(one_name.sans_truncated);
}

TEST_CASE("every field at its capacity packs into max_packed_certificate_size bytes") {
  proto::tls::CertificateInfo info(3);
  const std::string long_text(4096, 'x');
  info.subject.assign(long_text);
  info.issuer.assign(long_text);
  info.serial.assign(long_text);
  info.fingerprint.assign(long_text);
  for (auto& name : info.subject_alt_names) name.assign(long_text);
  info.san_count = 3;
  info.sans_truncated = true;
  REQUIRE(proto::tls::packed_certificate_size(info) == proto::tls::max_packed_certificate_size(3));
  std::vector<std::uint8_t> packed(proto::tls::packed_certificate_size(info));
  proto::tls::pack_certificate(info, packed);
  CHECK(fields_of(packed) == fields_of(info));
}

TEST_CASE("A repeated certificate comes from the cache with the same fields as a fresh decode") {
  const auto der = test_der();
  const Fields fresh = decoded(der);
  REQUIRE(fresh.parsed);
  CHECK(fresh.fingerprint.size() == 59);  // SHA-1, "ab:cd:..."

  proto::tls::CertificateCache cache(8, 32);
  CHECK(fields_of(cache.read(der)) == fresh);
  CHECK(fields_of(cache.read(der)) == fresh);
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 1);
}

TEST_CASE("Two certificates sharing a cache slot never get each other's fields") {
  // Same length and same last bytes (the slot's hash input), one byte apart in the middle: a
  // different certificate in the same slot of any cache.
  proto::tls::CertificateCache cache(256, 32);
  const auto a = test_der();
  auto b = a;
  b[b.size() / 2] ^= 0x01;
  const Fields fresh_a = decoded(a), fresh_b = decoded(b);
  REQUIRE(fresh_a.fingerprint != fresh_b.fingerprint);

  CHECK(fields_of(cache.read(a)) == fresh_a);
  CHECK(fields_of(cache.read(b)) == fresh_b);  // the entry holds a: a miss, decoded
  CHECK(fields_of(cache.read(b)) == fresh_b);  // now b's
  CHECK(fields_of(cache.read(a)) == fresh_a);
  CHECK(cache.misses() == 3);
  CHECK(cache.hits() == 1);

  // A prefix of a certificate is not that certificate either.
  const std::vector<std::uint8_t> prefix(a.begin(), a.end() - 1);
  CHECK(fields_of(cache.read(prefix)) == decoded(prefix));
  CHECK(cache.misses() == 4);
}

TEST_CASE("The cache remembers failures") {
  proto::tls::CertificateCache cache(4, 32);
  const std::array<std::uint8_t, 4> junk = {0x30, 0x03, 0x02, 0x01};
  CHECK_FALSE(fields_of(cache.read(junk)).parsed);
  CHECK_FALSE(fields_of(cache.read(junk)).parsed);  // a remembered failure is still a failure
  CHECK(fields_of(cache.read(junk)).fingerprint == decoded(junk).fingerprint);
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 2);
}

TEST_CASE("A certificate longer than the cache keeps is decoded every time") {
  const auto der = test_der();
  proto::tls::CertificateCache cache(8, 32, der.size() - 1);
  CHECK(fields_of(cache.read(der)) == decoded(der));
  CHECK(fields_of(cache.read(der)) == decoded(der));
  CHECK(cache.misses() == 2);
  CHECK(cache.hits() == 0);
}
