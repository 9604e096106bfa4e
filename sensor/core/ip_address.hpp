#pragma once
// An IPv4 or IPv6 address held by value (17 bytes of state, no heap). IPv4 is stored in the
// first four bytes; the rest stay zero so that comparison and hashing need no branch on family.
#include <array>
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

  auto operator<=>(const IpAddress&) const = default;
  bool operator==(const IpAddress&) const = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  Family family_ = Family::none;
};

}  // namespace spanwatch::core
