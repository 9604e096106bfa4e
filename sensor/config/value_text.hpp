#pragma once
// Text forms of option values, shared by YAML loading, set() and dump(). Parsers are strict: the
// whole text must match, otherwise nullopt (the caller words the error, it knows the option).
//
// Sizes: a whole number of bytes, optionally followed (spaces allowed) by a case-insensitive unit.
// Every unit is binary, as in Suricata: k, kb, kib = 1024; m, mb, mib = 1024^2; g, gb, gib =
// 1024^3; t, tb, tib = 1024^4; b = 1. There are no decimal (1000) units and no fractions.
// Durations: whole seconds, optionally followed by s, m, h or d (case-insensitive).
// Booleans: true/false, yes/no, on/off (case-insensitive).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spanwatch::config {

std::optional<bool> parse_bool(std::string_view text);
// Decimal only, optional leading '-' for signed; no '+', no spaces, no hex.
std::optional<std::int64_t> parse_signed(std::string_view text);
std::optional<std::uint64_t> parse_unsigned(std::string_view text);
// nullopt also when the number of bytes or seconds does not fit in 64 bits.
std::optional<std::uint64_t> parse_size(std::string_view text);
std::optional<std::uint64_t> parse_duration_seconds(std::string_view text);

// The largest unit that divides exactly: 67108864 -> "64mb", 1500 -> "1500", 0 -> "0".
std::string format_size(std::uint64_t bytes);
// The largest unit that divides exactly: 3600 -> "1h", 90 -> "90s", 0 -> "0s".
std::string format_duration(std::uint64_t seconds);

}  // namespace spanwatch::config
