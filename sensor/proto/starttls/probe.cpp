#include "proto/starttls/probe.hpp"

#include <array>
#include <string_view>

#include "proto/line_framer.hpp"

namespace spanwatch::proto::starttls {
namespace {

bool contains_word(std::string_view text, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i)
    if (iequals(text.substr(i, word.size()), word)) return true;
  return false;
}

// A verb not yet terminated: maybe, if it could still become one.
ProbeResult partial_verb(std::string_view line) {
  if (line.size() > 12) return ProbeResult::no;
  for (char c : line)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
      return ProbeResult::no;
  return ProbeResult::maybe;
}

}  // namespace

ProbeResult probe_smtp(core::Direction direction, core::Bytes first_bytes) {
  if (first_bytes.empty()) return ProbeResult::maybe;
  bool complete = false;
  const std::string_view line = first_line(core::as_chars(first_bytes), complete);
  if (direction == core::Direction::to_client) {
    constexpr std::string_view greeting = "220";
    if (line.size() < 4) {
      if (complete) return ProbeResult::no;
      return greeting.substr(0, line.size()) == line ? ProbeResult::maybe : ProbeResult::no;
    }
    if (line.substr(0, 3) != greeting || (line[3] != ' ' && line[3] != '-')) return ProbeResult::no;
    if (contains_word(line, "SMTP")) return ProbeResult::yes;
    if (contains_word(line, "FTP")) return ProbeResult::no;
    return ProbeResult::maybe;
  }
  const VerbAndRest split = split_verb(line);
  if (!complete && line.find(' ') == std::string_view::npos) return partial_verb(line);
  for (std::string_view v : {"EHLO", "HELO", "MAIL", "RCPT"})
    if (iequals(split.verb, v)) return ProbeResult::yes;
  // An SMTP client greets (EHLO) before STARTTLS (RFC 3207); other protocols open with a bare
  // STARTTLS (IRC), so it fits SMTP without proving it.
  if (iequals(split.verb, "STARTTLS")) return ProbeResult::maybe;
  return ProbeResult::no;
}

ProbeResult probe_imap(core::Direction direction, core::Bytes first_bytes) {
  if (first_bytes.empty()) return ProbeResult::maybe;
  bool complete = false;
  const std::string_view line = first_line(core::as_chars(first_bytes), complete);
  if (direction == core::Direction::to_client) {
    for (std::string_view greeting : {"* OK", "* PREAUTH", "* BYE"}) {
      if (line.size() < greeting.size()) {
        if (!complete && greeting.substr(0, line.size()) == line) return ProbeResult::maybe;
        continue;
      }
      if (istarts_with(line, greeting)) return ProbeResult::yes;
    }
    return ProbeResult::no;
  }
  const VerbAndRest tagged = split_verb(line);
  if (tagged.verb.empty()) return ProbeResult::no;
  for (char c : tagged.verb)
    if (c <= ' ' || c > '~' || c == '*' || c == '+' || c == '(' || c == ')' || c == '{' || c == '%' || c == '"')
      return ProbeResult::no;
  if (!complete && line.find(' ') == std::string_view::npos) return partial_verb(line);
  const VerbAndRest command = split_verb(tagged.rest);
  if (!complete && tagged.rest.find(' ') == std::string_view::npos) return partial_verb(tagged.rest);
  for (std::string_view v : {"CAPABILITY", "LOGIN", "STARTTLS", "AUTHENTICATE", "ID", "NOOP", "SELECT", "LIST"})
    if (iequals(command.verb, v)) return ProbeResult::yes;
  return ProbeResult::no;
}

}  // namespace spanwatch::proto::starttls
