#include "proto/pop3/probe.hpp"

#include <array>
#include <string_view>

#include "proto/line_framer.hpp"

namespace spanwatch::proto::pop3 {
namespace {

// Commands only POP3 uses (RFC 1939, 2449, 2595).
constexpr std::array<std::string_view, 6> pop3_only = {"CAPA", "APOP", "STLS", "UIDL", "TOP", "RSET"};
// Shared with FTP or SMTP: they fit, but so would another protocol.
constexpr std::array<std::string_view, 8> shared = {"USER", "PASS", "AUTH", "QUIT", "NOOP", "STAT", "LIST", "RETR"};

ProbeResult probe_server(std::string_view bytes) {
  bool complete = false;
  const std::string_view line = first_line(bytes, complete);
  for (std::string_view status : {std::string_view("+OK"), std::string_view("-ERR")}) {
    if (line.size() < status.size()) {
      if (!complete && status.substr(0, line.size()) == line) return ProbeResult::maybe;
      continue;
    }
    if (line.substr(0, status.size()) != status) continue;
    if (line.size() == status.size() || line[status.size()] == ' ') return ProbeResult::yes;
  }
  return ProbeResult::no;
}

ProbeResult probe_client(std::string_view bytes) {
  bool complete = false;
  const std::string_view line = first_line(bytes, complete);
  const VerbAndRest split = split_verb(line);
  if (!complete && line.find(' ') == std::string_view::npos) {
    if (line.size() > 4) return ProbeResult::no;
    for (char c : line)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return ProbeResult::no;
    return ProbeResult::maybe;
  }
  for (std::string_view v : pop3_only)
    if (iequals(split.verb, v)) return ProbeResult::yes;
  if (iequals(split.verb, "AUTH")) {
    // FTP's AUTH names TLS/SSL; POP3's names a SASL mechanism (or nothing: list them).
    const VerbAndRest mechanism = split_verb(split.rest);
    if (istarts_with(mechanism.verb, "TLS") || iequals(mechanism.verb, "SSL")) return ProbeResult::no;
    return ProbeResult::maybe;
  }
  for (std::string_view v : shared)
    if (iequals(split.verb, v)) return ProbeResult::maybe;
  return ProbeResult::no;
}

}  // namespace

ProbeResult probe_pop3(core::Direction direction, core::Bytes first_bytes) {
  if (first_bytes.empty()) return ProbeResult::maybe;
  const std::string_view bytes = core::as_chars(first_bytes);
  return direction == core::Direction::to_client ? probe_server(bytes) : probe_client(bytes);
}

}  // namespace spanwatch::proto::pop3
