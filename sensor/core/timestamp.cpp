#include "core/timestamp.hpp"

#include <cstdio>
#include <ctime>

namespace spanwatch::core {

std::int64_t seconds_between(Timestamp earlier, Timestamp later) {
  return later.seconds > earlier.seconds ? later.seconds - earlier.seconds : 0;
}

std::string_view format_eve_timestamp(Timestamp ts, char (&buffer)[eve_timestamp_size]) {
  std::time_t seconds = static_cast<std::time_t>(ts.seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000", utc.tm_year + 1900,
                        utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                        static_cast<unsigned>(ts.nanoseconds / 1000));
  if (n < 0) return {};
  return {buffer, static_cast<std::size_t>(n) < sizeof buffer ? static_cast<std::size_t>(n) : sizeof buffer - 1};
}

}  // namespace spanwatch::core
