#pragma once
// An IPv4 or IPv6 address held by value (17 bytes of state, no heap). IPv4 is stored in the
// first four bytes; the rest stay zero so that comparison and hashing need no branch on family.
#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace spanwatch::core {

class IpAddress {
 public:
  enum class Family : std::uint8_t { none = 0, v4 = 4, v6 = 6 };

  IpAddress() = default;
  // Inline: the decoder builds two addresses per packet.
  static IpAddress v4(const std::uint8_t* four_bytes) {
    IpAddress a;
    std::memcpy(a.bytes_.data(), four_bytes, 4);
    a.family_ = Family::v4;
    return a;
  }
  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v6(const std::uint8_t* sixteen_bytes) {
    IpAddress a;
    std::memcpy(a.bytes_.data(), sixteen_bytes, 16);
    a.family_ = Family::v6;
    return a;
  }
  // Parses dotted-quad or RFC 4291 text; nullopt when it is neither.
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::v4; }
  bool is_v6() const { return family_ == Family::v6; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return is_v4() ? 4 : is_v6() ? 16 : 0; }

  // Text form (IPv4 dotted quad, IPv6 as inet_ntop writes it) into `buffer`, returned as a view of it.
  static constexpr std::size_t text_size = 46;
  std::string_view to_chars(char (&buffer)[text_size]) const;

  // Does this address lie in prefix/prefix_length (same family)?
  bool in_prefix(const IpAddress& prefix, unsigned prefix_length) const;

  // The order of the defaulted comparison (bytes as unsigned, first to last, then family), computed
  // eight bytes at a time: every packet compares its two addresses to normalise its flow key.
  std::strong_ordering operator<=>(const IpAddress& other) const {
    if (const auto c = big_endian_half(0) <=> other.big_endian_half(0); c != 0) return c;
    if (const auto c = big_endian_half(8) <=> other.big_endian_half(8); c != 0) return c;
    return family_ <=> other.family_;
  }
  bool operator==(const IpAddress& other) const {
    return ((half(0) ^ other.half(0)) | (half(8) ^ other.half(8))) == 0 && family_ == other.family_;
  }

 private:
  std::uint64_t half(std::size_t offset) const {
    std::uint64_t value;
    std::memcpy(&value, bytes_.data() + offset, sizeof value);
    return value;
  }
  std::uint64_t big_endian_half(std::size_t offset) const {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(half(offset));
    return half(offset);
  }

  std::array<std::uint8_t, 16> bytes_{};
  Family family_ = Family::none;
};

}  // namespace spanwatch::core
