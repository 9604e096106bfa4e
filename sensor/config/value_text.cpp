#include "config/value_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace spanwatch::config {
namespace {

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::uint64_t kib = 1024;
constexpr std::array<Unit, 13> size_units{{
    {"b", 1},
    {"k", kib}, {"kb", kib}, {"kib", kib},
    {"m", kib * kib}, {"mb", kib * kib}, {"mib", kib * kib},
    {"g", kib * kib * kib}, {"gb", kib * kib * kib}, {"gib", kib * kib * kib},
    {"t", kib * kib * kib * kib}, {"tb", kib * kib * kib * kib}, {"tib", kib * kib * kib * kib},
}};
// Largest first: the form dump() prints.
constexpr std::array<Unit, 4> size_print_units{{
    {"tb", kib * kib * kib * kib}, {"gb", kib * kib * kib}, {"mb", kib * kib}, {"kb", kib}}};

constexpr std::array<Unit, 4> duration_units{{{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// "64 mb" -> {64, "mb"}; nullopt when there are no leading digits or the number overflows.
struct NumberAndUnit {
  std::uint64_t number;
  std::string_view unit;
};
std::optional<NumberAndUnit> split_number(std::string_view text) {
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  // "64 " has a space but no unit: not a form anyone means to write.
  if (unit.empty() && text.size() != static_cast<std::size_t>(end - text.data())) return std::nullopt;
  return NumberAndUnit{number, unit};
}

template <std::size_t N>
std::optional<std::uint64_t> scale(NumberAndUnit value, const std::array<Unit, N>& units) {
  if (value.unit.empty()) return value.number;
  for (const Unit& unit : units) {
    if (!equals_ignoring_case(value.unit, unit.name)) continue;
    if (value.number > std::numeric_limits<std::uint64_t>::max() / unit.factor) return std::nullopt;
    return value.number * unit.factor;
  }
  return std::nullopt;
}

template <std::size_t N>
std::string format_with_units(std::uint64_t value, const std::array<Unit, N>& units, std::string_view bare_suffix) {
  if (value != 0) {
    for (const Unit& unit : units) {
      if (value % unit.factor == 0 && unit.factor > 1) return std::to_string(value / unit.factor) += unit.name;
    }
  }
  return std::to_string(value) += bare_suffix;
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  for (std::string_view yes : {"true", "yes", "on"}) {
    if (equals_ignoring_case(text, yes)) return true;
  }
  for (std::string_view no : {"false", "no", "off"}) {
    if (equals_ignoring_case(text, no)) return false;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_signed(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  return scale(*split, size_units);
}

std::optional<std::uint64_t> parse_duration_seconds(std::string_view text) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  return scale(*split, duration_units);
}

std::string format_size(std::uint64_t bytes) { return format_with_units(bytes, size_print_units, ""); }

std::string format_duration(std::uint64_t seconds) { return format_with_units(seconds, duration_units, "s"); }

}  // namespace spanwatch::config
