#pragma once
// The IANA TLS Cipher Suites registry: name and key-exchange class for every assigned code point,
// generated from cipher_suites.csv by gen_cipher_suites.py (see that script for the source).
#include <cstdint>
#include <span>
#include <string_view>

#include "events/tls.hpp"

namespace spanwatch::proto::tls {

struct CipherSuite {
  std::uint16_t code = 0;
  std::string_view name;  // IANA description; "GREASE" for RFC 8701 values
  events::tls::KeyExchange key_exchange = events::tls::KeyExchange::unknown;
};

// The registry entry for `code`, or {code, "", unknown} for an unassigned or private code point.
CipherSuite find_cipher_suite(std::uint16_t code);
// Every entry, sorted by code point.
std::span<const CipherSuite> cipher_suite_registry();

}  // namespace spanwatch::proto::tls
