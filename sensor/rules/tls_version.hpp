#pragma once
// TLS/SSL versions as rules compare them: by protocol order, not by code point (SSLv2 is 0x0002,
// below SSLv3's 0x0300; TLS 1.3 drafts 0x7fxx count as TLS 1.3).
#include <cstdint>
#include <optional>
#include <string_view>

namespace spanwatch::rules {

inline constexpr std::uint16_t tls_sslv2 = 0x0002;
inline constexpr std::uint16_t tls_sslv3 = 0x0300;
inline constexpr std::uint16_t tls_1_0 = 0x0301;
inline constexpr std::uint16_t tls_1_1 = 0x0302;
inline constexpr std::uint16_t tls_1_2 = 0x0303;
inline constexpr std::uint16_t tls_1_3 = 0x0304;

// A value that orders versions: SSLv2 < SSLv3 < TLS 1.0 < ... < TLS 1.3 (drafts included).
constexpr std::int64_t tls_version_rank(std::int64_t code) {
  if (code == tls_sslv2) return 0x0200;
  if ((code & 0xff00) == 0x7f00) return tls_1_3;  // draft-NN
  return code;
}

// "TLS 1.2", "TLSv1.2", "tls1.2", "SSLv3", "0x0303" or "771" (case and spaces ignored).
std::optional<std::uint16_t> parse_tls_version(std::string_view text);

// "TLS 1.2", "SSLv3", "TLS 1.3 draft 28"... or nullopt for an unknown code point.
std::optional<std::string_view> tls_version_name(std::uint16_t code);

}  // namespace spanwatch::rules
