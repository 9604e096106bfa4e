#include "core/ip_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace spanwatch::core {

IpAddress IpAddress::v4(std::uint32_t host_order) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(host_order >> 24), static_cast<std::uint8_t>(host_order >> 16),
                             static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order)};
  return v4(b);
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= text_size) return std::nullopt;
  char buffer[text_size];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::uint8_t raw[16];
  if (inet_pton(AF_INET, buffer, raw) == 1) return v4(raw);
  if (inet_pton(AF_INET6, buffer, raw) == 1) return v6(raw);
  return std::nullopt;
}

std::string_view IpAddress::to_chars(char (&buffer)[text_size]) const {
  if (is_v4()) {
    // Dotted quad with std::to_chars: glibc's inet_ntop formats IPv4 with sprintf (~1,800
    // instructions an address, most of an EVE header); the text is the same.
    char* out = buffer;
    char* const end = buffer + sizeof buffer;
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != 0) *out++ = '.';
      out = std::to_chars(out, end, bytes_[i]).ptr;
    }
    return {buffer, static_cast<std::size_t>(out - buffer)};
  }
  const char* out = nullptr;
  if (is_v6()) out = inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
  if (out == nullptr) {
    buffer[0] = '\0';
    return {};
  }
  return {buffer, std::strlen(buffer)};
}

bool IpAddress::in_prefix(const IpAddress& prefix, unsigned prefix_length) const {
  if (family_ != prefix.family_ || family_ == Family::none) return false;
  const unsigned max_bits = is_v4() ? 32 : 128;
  if (prefix_length > max_bits) prefix_length = max_bits;
  const unsigned whole = prefix_length / 8;
  if (std::memcmp(bytes_.data(), prefix.bytes_.data(), whole) != 0) return false;
  const unsigned rest = prefix_length % 8;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes_[whole] & mask) == (prefix.bytes_[whole] & mask);
}

}  // namespace spanwatch::core
