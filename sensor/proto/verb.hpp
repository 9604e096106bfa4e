#pragma once
// The command verb of a line protocol (FTP, POP3) upper-cased into a bounded string: verbs are
// case-insensitive on the wire and compared, counted and logged in one form.
#include <algorithm>
#include <array>
#include <string_view>

#include "core/fixed_string.hpp"

namespace spanwatch::proto {

inline core::FixedString<16> upper_verb(std::string_view verb) {
  std::array<char, 16> text;
  const std::size_t n = std::min(verb.size(), text.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char c = verb[i];
    text[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return core::FixedString<16>(std::string_view(text.data(), n));
}

}  // namespace spanwatch::proto
