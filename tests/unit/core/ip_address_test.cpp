#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <array>
#include <compare>
#include <cstring>
#include <string>
#include <vector>

#include "core/ip_address.hpp"

using spanwatch::core::IpAddress;

TEST_CASE("IpAddress parses and prints IPv4 and IPv6") {
  char buffer[IpAddress::text_size];
  auto v4 = IpAddress::parse("192.168.1.20");
  REQUIRE(v4);
  CHECK(v4->is_v4());
  CHECK(v4->to_chars(buffer) == "192.168.1.20");
  auto v6 = IpAddress::parse("fd00:0077:0:0:0:0:2:30");
  REQUIRE(v6);
  CHECK(v6->is_v6());
  CHECK(v6->to_chars(buffer) == "fd00:77::2:30");
  CHECK_FALSE(IpAddress::parse("300.1.1.1"));
  CHECK_FALSE(IpAddress::parse("not an address"));
}

TEST_CASE("IpAddress prefix membership respects family and partial bytes") {
  auto addr = *IpAddress::parse("172.20.5.9");
  CHECK(addr.in_prefix(*IpAddress::parse("172.16.0.0"), 12));
  CHECK_FALSE(addr.in_prefix(*IpAddress::parse("172.32.0.0"), 12));
  CHECK_FALSE(addr.in_prefix(*IpAddress::parse("::"), 0));
  CHECK(IpAddress::parse("fd12::1")->in_prefix(*IpAddress::parse("fc00::"), 7));
}

TEST_CASE("IpAddress orders by bytes with families apart") {
  CHECK(*IpAddress::parse("10.0.0.1") < *IpAddress::parse("10.0.0.2"));
  CHECK(*IpAddress::parse("10.0.0.1") == IpAddress::v4(0x0a000001u));
}

TEST_CASE("IpAddress compares like its bytes, first to last as unsigned, then its family") {
  // Addresses that differ in one byte (every position, values across the sign bit) and in family.
  std::vector<IpAddress> addresses;
  for (int position = 0; position < 16; ++position) {
    for (const std::uint8_t value : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::array<std::uint8_t, 16> bytes{};
      bytes.fill(0x80);
      bytes[static_cast<std::size_t>(position)] = value;
      addresses.push_back(IpAddress::v6(bytes.data()));
      if (position < 4) addresses.push_back(IpAddress::v4(bytes.data()));
    }
  }
  addresses.push_back(IpAddress{});
  const auto reference = [](const IpAddress& a, const IpAddress& b) {
    const int bytes = std::memcmp(a.data(), b.data(), 16);
    if (bytes != 0) return bytes < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
    return a.family() <=> b.family();
  };
  for (const IpAddress& a : addresses) {
    for (const IpAddress& b : addresses) {
      CHECK((a <=> b) == reference(a, b));
      CHECK((a == b) == (reference(a, b) == 0));
    }
  }
}

TEST_CASE("IPv4 text is what inet_ntop writes, for every octet value in every position") {
  char buffer[IpAddress::text_size];
  char expected[INET_ADDRSTRLEN];
  for (unsigned position = 0; position < 4; ++position) {
    for (unsigned value = 0; value < 256; ++value) {
      std::uint8_t bytes[4] = {10, 0, 200, 9};
      bytes[position] = static_cast<std::uint8_t>(value);
      REQUIRE(inet_ntop(AF_INET, bytes, expected, sizeof expected) != nullptr);
      CHECK(IpAddress::v4(bytes).to_chars(buffer) == std::string(expected));
    }
  }
  const std::uint8_t widest[4] = {255, 255, 255, 255};
  CHECK(IpAddress::v4(widest).to_chars(buffer) == "255.255.255.255");
  CHECK(IpAddress().to_chars(buffer).empty());
}
