#pragma once
// Protocol version code points: GREASE, TLS 1.3 drafts and experiments, and their ordering.
//
// Ordering decision (documented in README.md): TLS 1.3 drafts (0x7f00 | n) and Google's experiment
// versions (0x7e01..0x7e03, Chrome 63+) are TLS 1.3-class: they rank above TLS 1.2 and below the
// final TLS 1.3 (0x0304); among themselves drafts rank by draft number, experiments below drafts.
// GREASE values (RFC 8701, 0x?a?a) never count as an offered version.
#include <cstdint>

namespace spanwatch::proto::tls {

namespace version {
constexpr std::uint16_t sslv2 = 0x0002, sslv3 = 0x0300, tls10 = 0x0301, tls11 = 0x0302, tls12 = 0x0303,
                        tls13 = 0x0304;
}

// RFC 8701: both bytes equal and of the form 0x?A.
constexpr bool is_grease(std::uint16_t value) {
  return (value & 0x0f0fu) == 0x0a0au && (value >> 8) == (value & 0xffu);
}
constexpr bool is_tls13_draft(std::uint16_t v) { return (v >> 8) == 0x7f; }
constexpr bool is_tls13_experiment(std::uint16_t v) { return (v >> 8) == 0x7e; }
constexpr bool is_tls13_class(std::uint16_t v) {
  return v == version::tls13 || is_tls13_draft(v) || is_tls13_experiment(v);
}

// A key that orders versions as described above (0 for GREASE and unknown values).
constexpr std::uint32_t version_rank(std::uint16_t v) {
  if (is_grease(v)) return 0;
  if (v == version::sslv2) return 0x0200;
  if (v == version::tls13) return 0x030400 + 0xff00;
  if (is_tls13_draft(v)) return 0x030400 + 0x0100 + (v & 0xffu);
  if (is_tls13_experiment(v)) return 0x030400 + (v & 0xffu);
  if ((v >> 8) == 3 && (v & 0xffu) <= 3) return std::uint32_t{v} << 8;
  return 0;
}

}  // namespace spanwatch::proto::tls
