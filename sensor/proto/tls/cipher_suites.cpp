#include "proto/tls/cipher_suites.hpp"

#include <algorithm>
#include <array>

namespace spanwatch::proto::tls {
namespace {

constexpr CipherSuite registry[] = {
#include "proto/tls/cipher_suites.inc"
};

static_assert(std::is_sorted(std::begin(registry), std::end(registry),
                             [](const CipherSuite& a, const CipherSuite& b) { return a.code < b.code; }));

}  // namespace

CipherSuite find_cipher_suite(std::uint16_t code) {
  const auto it = std::lower_bound(std::begin(registry), std::end(registry), code,
                                   [](const CipherSuite& entry, std::uint16_t c) { return entry.code < c; });
  if (it != std::end(registry) && it->code == code) return *it;
  return {code, {}, events::tls::KeyExchange::unknown};
}

std::span<const CipherSuite> cipher_suite_registry() { return registry; }

}  // namespace spanwatch::proto::tls
