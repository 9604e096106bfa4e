#pragma once
#include <compare>
#include <cstdint>
#include <string_view>

namespace spanwatch::core {

// A capture timestamp with nanosecond resolution (pcap files carry µs or ns; both fit).
struct Timestamp {
  std::int64_t seconds = 0;
  std::uint32_t nanoseconds = 0;

  static Timestamp from_micros(std::int64_t seconds, std::uint32_t micros) { return {seconds, micros * 1000u}; }
  std::int64_t total_nanoseconds() const { return seconds * 1'000'000'000 + nanoseconds; }
  double as_double() const { return static_cast<double>(seconds) + nanoseconds * 1e-9; }
  auto operator<=>(const Timestamp&) const = default;
};

// Seconds elapsed from `earlier` to `later`, clamped at zero (capture clocks may step back).
std::int64_t seconds_between(Timestamp earlier, Timestamp later);

// Suricata's EVE format, in UTC: "2016-10-16T08:13:10.446897+0000". Writes into `buffer`
// (at least 32 bytes) and returns a view of it.
constexpr std::size_t eve_timestamp_size = 40;
std::string_view format_eve_timestamp(Timestamp ts, char (&buffer)[eve_timestamp_size]);

}  // namespace spanwatch::core
