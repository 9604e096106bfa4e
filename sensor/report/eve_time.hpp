#pragma once
// EVE timestamps ("2024-03-01T09:00:00.001348+0000") to microseconds since the epoch and back.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spanwatch::report {

// Microseconds since 1970-01-01 UTC; nullopt when `text` is not an EVE timestamp.
std::optional<std::int64_t> parse_eve_time(std::string_view text);
// "2024-03-01 09:00:00.001" (UTC, milliseconds): for tables and hover titles.
std::string format_time(std::int64_t micros);
// "2 h 3 min", "4.2 s": a span's length.
std::string format_duration(std::int64_t micros);

}  // namespace spanwatch::report
