#include "proto/ftp/wire.hpp"

#include <array>
#include <charconv>
#include <string>

namespace spanwatch::proto::ftp {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// A decimal number up to `max`, optionally surrounded by spaces.
std::optional<unsigned> parse_number(std::string_view text, unsigned max) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// Splits a comma list into at most N numbers (each 0-255); nullopt unless exactly `count`.
template <std::size_t N>
std::optional<std::size_t> parse_byte_list(std::string_view text, std::array<std::uint8_t, N>& out) {
  std::size_t count = 0;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (count == N) return std::nullopt;
    const auto value = parse_number(item, 255);
    if (!value) return std::nullopt;
    out[count++] = static_cast<std::uint8_t>(*value);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return count;
}

// The first run of digits and commas in `text` (reply texts put the numbers in parentheses).
std::string_view first_number_list(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size() && !is_digit(text[begin])) ++begin;
  std::size_t end = begin;
  while (end < text.size() && (is_digit(text[end]) || text[end] == ',')) ++end;
  return text.substr(begin, end - begin);
}

std::optional<HostPort> lprt_from_bytes(const std::uint8_t* b, std::size_t n) {
  // af, hal, address..., pal, port...
  if (n < 2) return std::nullopt;
  const unsigned af = b[0], hal = b[1];
  if (!((af == 4 && hal == 4) || (af == 6 && hal == 16))) return std::nullopt;
  if (n != 2 + hal + 1 + 2 || b[2 + hal] != 2) return std::nullopt;
  HostPort hp;
  hp.has_address = true;
  hp.address = af == 4 ? core::IpAddress::v4(b + 2) : core::IpAddress::v6(b + 2);
  hp.port = static_cast<std::uint16_t>((b[3 + hal] << 8) | b[4 + hal]);
  return hp;
}

}  // namespace

std::optional<CommandLine> parse_command(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && is_alpha(line[n])) ++n;
  if (n == 0 || n > 16) return std::nullopt;
  if (n < line.size() && line[n] != ' ') return std::nullopt;
  CommandLine c{line.substr(0, n), {}};
  if (n < line.size()) c.arguments = line.substr(n + 1);
  return c;
}

ReplyLine parse_reply_line(std::string_view line) {
  ReplyLine r;
  r.text = line;
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return r;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return r;
  r.code = static_cast<std::uint16_t>((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
  r.kind = (line.size() > 3 && line[3] == '-') ? ReplyLine::Kind::first_of_many : ReplyLine::Kind::final;
  r.text = line.size() > 4 ? line.substr(4) : std::string_view{};
  return r;
}

std::optional<HostPort> parse_port_argument(std::string_view argument) {
  std::array<std::uint8_t, 6> b{};
  const auto count = parse_byte_list(argument, b);
  if (!count || *count != 6) return std::nullopt;
  HostPort hp;
  hp.has_address = true;
  hp.address = core::IpAddress::v4(b.data());
  hp.port = static_cast<std::uint16_t>((b[4] << 8) | b[5]);
  return hp;
}

std::optional<HostPort> parse_eprt_argument(std::string_view argument) {
  while (!argument.empty() && argument.back() == ' ') argument.remove_suffix(1);
  if (argument.size() < 6) return std::nullopt;
  const char d = argument.front();
  if (d < 33 || d > 126 || is_digit(d) || argument.back() != d) return std::nullopt;
  // d proto d address d port d
  std::array<std::string_view, 3> fields{};
  std::string_view rest = argument.substr(1, argument.size() - 2);
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t at = rest.find(d);
    if ((at == std::string_view::npos) != (i == 2)) return std::nullopt;
    fields[i] = rest.substr(0, at);
    if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  }
  const auto proto = parse_number(fields[0], 2);
  const auto port = parse_number(fields[2], 65535);
  if (!proto || !port || *proto == 0 || fields[1].empty() || fields[1].size() >= core::IpAddress::text_size)
    return std::nullopt;
  const auto address = core::IpAddress::parse(fields[1]);
  if (!address || (*proto == 1 && !address->is_v4()) || (*proto == 2 && !address->is_v6())) return std::nullopt;
  return HostPort{true, *address, static_cast<std::uint16_t>(*port)};
}

std::optional<HostPort> parse_lprt_argument(std::string_view argument) {
  std::array<std::uint8_t, 21> b{};
  const auto count = parse_byte_list(argument, b);
  if (!count) return std::nullopt;
  return lprt_from_bytes(b.data(), *count);
}

std::optional<HostPort> parse_pasv_reply(std::string_view text) {
  return parse_port_argument(first_number_list(text));
}

std::optional<HostPort> parse_lpsv_reply(std::string_view text) {
  return parse_lprt_argument(first_number_list(text));
}

std::optional<HostPort> parse_epsv_reply(std::string_view text) {
  const std::size_t open = text.find('(');
  const std::size_t close = text.find(')', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  const std::string_view inner = text.substr(open + 1, close - open - 1);
  // <d><d><d>port<d>: the address and protocol fields are empty.
  if (inner.size() < 5) return std::nullopt;
  const char d = inner.front();
  if (d < 33 || d > 126 || is_digit(d) || inner[1] != d || inner[2] != d || inner.back() != d) return std::nullopt;
  const auto port = parse_number(inner.substr(3, inner.size() - 4), 65535);
  if (!port) return std::nullopt;
  HostPort hp;
  hp.port = static_cast<std::uint16_t>(*port);
  return hp;
}

}  // namespace spanwatch::proto::ftp
