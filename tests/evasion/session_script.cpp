#include "session_script.hpp"

#include <algorithm>

namespace spanwatch::evasion {

Frame decoy_of(const Message& m) {
  if (!m.decoy.empty()) return m.decoy;
  Frame d = m.bytes;
  const bool line = d.size() >= 2 && d[d.size() - 2] == '\r' && d.back() == '\n';
  if (line) {
    std::fill(d.begin(), d.end() - 2, static_cast<std::uint8_t>('X'));
    return d;
  }
  for (auto& b : d) b = static_cast<std::uint8_t>(~b);
  return d;
}

std::size_t first_difference(const Message& m) {
  const Frame d = decoy_of(m);
  const auto at = std::mismatch(m.bytes.begin(), m.bytes.end(), d.begin()).first;
  return static_cast<std::size_t>(at - m.bytes.begin());
}

}  // namespace spanwatch::evasion
