#include "report/eve_time.hpp"

#include <chrono>
#include <cstdio>

namespace spanwatch::report {
namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_eve_time(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day) ||
      !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second))
    return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::size_t at = 19;
  std::int64_t micros = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int scale = 100000;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
      micros += (text[at] - '0') * scale;
      scale /= 10;
    }
  }
  std::int64_t offset_seconds = 0;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh = 0, om = 0;
    const std::size_t colon = at + 3 < text.size() && text[at + 3] == ':' ? 1 : 0;
    if (!digits(text, at + 1, 2, oh) || !digits(text, at + 3 + colon, 2, om)) return std::nullopt;
    offset_seconds = (oh * 3600 + om * 60) * (text[at] == '+' ? 1 : -1);
  }
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t seconds = static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1'000'000 + micros;
}

std::string format_time(std::int64_t micros) {
  const std::int64_t seconds = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  const auto millis = static_cast<int>((micros - seconds * 1'000'000) / 1000);
  const std::chrono::sys_days day{std::chrono::days(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)};
  const std::int64_t in_day = seconds - day.time_since_epoch().count() * std::int64_t{86400};
  const std::chrono::year_month_day date{day};
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d.%03d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), static_cast<int>(in_day / 3600),
                static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60), millis);
  return text;
}

std::string format_duration(std::int64_t micros) {
  char text[48];
  const double seconds = static_cast<double>(micros) / 1e6;
  if (seconds < 60) std::snprintf(text, sizeof text, "%.1f s", seconds);
  else if (seconds < 3600) std::snprintf(text, sizeof text, "%d min %d s", static_cast<int>(seconds / 60), static_cast<int>(seconds) % 60);
  else std::snprintf(text, sizeof text, "%d h %d min", static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60) % 60);
  return text;
}

}  // namespace spanwatch::report
