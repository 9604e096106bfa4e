#include "rules/tls_version.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace spanwatch::rules {
namespace {

struct VersionName {
  std::string_view spelling;  // lower case, no spaces
  std::uint16_t code;
};
constexpr std::array<VersionName, 17> spellings{{
    {"sslv2", tls_sslv2},   {"ssl2", tls_sslv2},     {"sslv3", tls_sslv3},    {"ssl3", tls_sslv3},
    {"tls1", tls_1_0},      {"tlsv1", tls_1_0},      {"tls1.0", tls_1_0},     {"tlsv1.0", tls_1_0},
    {"tls1.1", tls_1_1},    {"tlsv1.1", tls_1_1},    {"tls1.2", tls_1_2},     {"tlsv1.2", tls_1_2},
    {"tls1.3", tls_1_3},    {"tlsv1.3", tls_1_3},    {"tls10", tls_1_0},      {"tls11", tls_1_1},
    {"tls12", tls_1_2},
}};

}  // namespace

std::optional<std::uint16_t> parse_tls_version(std::string_view text) {
  std::string folded;  // compile time only
  for (char c : text)
    if (c != ' ' && c != '_') folded.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const VersionName& v : spellings)
    if (folded == v.spelling) return v.code;
  if (folded == "tls13") return tls_1_3;
  unsigned value = 0;
  const bool hex = folded.starts_with("0x");
  const char* first = folded.data() + (hex ? 2 : 0);
  const char* last = folded.data() + folded.size();
  auto [end, error] = std::from_chars(first, last, value, hex ? 16 : 10);
  if (error != std::errc{} || end != last || first == last || value > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

std::optional<std::string_view> tls_version_name(std::uint16_t code) {
  switch (code) {
    case tls_sslv2: return "SSLv2";
    case tls_sslv3: return "SSLv3";
    case tls_1_0: return "TLS 1.0";
    case tls_1_1: return "TLS 1.1";
    case tls_1_2: return "TLS 1.2";
    case tls_1_3: return "TLS 1.3";
    default: break;
  }
  if ((code & 0xff00) == 0x7f00) return "TLS 1.3 draft";
  return std::nullopt;
}

}  // namespace spanwatch::rules
