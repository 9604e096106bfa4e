#pragma once
// Pure FTP line parsers: bytes in, records of views out (valid as long as the input). No state.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ip_address.hpp"

namespace spanwatch::proto::ftp {

// "VERB args": verb is letters only (RFC 959: 3-4 letters; we accept up to 16), args after one space.
struct CommandLine {
  std::string_view verb;
  std::string_view arguments;
};
// nullopt when the line does not start with a plausible verb (binary junk, empty line).
std::optional<CommandLine> parse_command(std::string_view line);

// A reply line: "ddd text" (final), "ddd-text" (first of a multi-line reply), anything else is a
// continuation line of a multi-line reply (or malformed outside one).
struct ReplyLine {
  enum class Kind : std::uint8_t { final, first_of_many, no_code };
  Kind kind = Kind::no_code;
  std::uint16_t code = 0;  // 3 digits as written (100-999); valid() says whether RFC 959 allows it
  std::string_view text;   // after "ddd " / "ddd-", or the whole line for no_code
  bool valid() const { return code >= 100 && code <= 599 && (code / 10) % 10 <= 5; }
};
ReplyLine parse_reply_line(std::string_view line);

struct HostPort {
  bool has_address = false;
  core::IpAddress address;
  std::uint16_t port = 0;
};

// PORT h1,h2,h3,h4,p1,p2 (RFC 959); spaces around numbers are tolerated, nothing else.
std::optional<HostPort> parse_port_argument(std::string_view argument);
// EPRT <d>proto<d>address<d>port<d> (RFC 2428): proto 1 (IPv4) or 2 (IPv6), d any printable
// ASCII 33-126 except digits, the address must match the protocol.
std::optional<HostPort> parse_eprt_argument(std::string_view argument);
// LPRT af,hal,h1..hn,pal,p1..pn (RFC 1639): af 4 with 4 bytes or 6 with 16, pal 2.
std::optional<HostPort> parse_lprt_argument(std::string_view argument);
// 227 reply text: the first h1,h2,h3,h4,p1,p2 sequence (usually in parentheses).
std::optional<HostPort> parse_pasv_reply(std::string_view text);
// 228 reply text (LPSV): the first LPRT-style sequence, usually in parentheses.
std::optional<HostPort> parse_lpsv_reply(std::string_view text);
// 229 reply text: "(<d><d><d>port<d>)" (RFC 2428); no address.
std::optional<HostPort> parse_epsv_reply(std::string_view text);

}  // namespace spanwatch::proto::ftp
