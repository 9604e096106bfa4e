#include "proto/ftp/probe.hpp"

#include <array>
#include <string_view>

#include "proto/line_framer.hpp"

namespace spanwatch::proto::ftp {
namespace {

// Commands only FTP uses (RFC 959, 2228, 2389, 2428, 3659): a client opening with one is FTP.
constexpr std::array<std::string_view, 34> ftp_only = {
    "ACCT", "CWD",  "CDUP", "SMNT", "REIN", "PORT", "PASV", "TYPE", "STRU", "MODE", "STOR", "STOU",
    "APPE", "ALLO", "REST", "RNFR", "RNTO", "ABOR", "RMD",  "MKD",  "PWD",  "NLST", "SITE", "SYST",
    "FEAT", "OPTS", "EPRT", "EPSV", "LPRT", "LPSV", "PBSZ", "PROT", "MLSD", "MLST"};
// Commands FTP shares with POP3/SMTP/IMAP: they fit, but so would another protocol.
constexpr std::array<std::string_view, 9> shared = {"USER", "PASS", "QUIT", "NOOP", "HELP",
                                                    "STAT", "LIST", "RETR", "DELE"};

bool contains_word(std::string_view text, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i)
    if (iequals(text.substr(i, word.size()), word)) return true;
  return false;
}

ProbeResult probe_server(std::string_view bytes) {
  bool complete = false;
  const std::string_view line = first_line(bytes, complete);
  const std::string_view prefix = line.substr(0, 4);
  constexpr std::string_view greeting = "220";
  if (prefix.size() < 4) {
    if (complete) return ProbeResult::no;
    return greeting.substr(0, prefix.size()) == prefix ? ProbeResult::maybe : ProbeResult::no;
  }
  if (prefix.substr(0, 3) != greeting || (prefix[3] != ' ' && prefix[3] != '-')) return ProbeResult::no;
  if (contains_word(line, "SMTP") || contains_word(line, "Postfix") || contains_word(line, "Sendmail"))
    return ProbeResult::no;
  if (contains_word(line, "FTP")) return ProbeResult::yes;
  return ProbeResult::maybe;  // a bare 220 banner: SMTP sends one too
}

ProbeResult probe_client(std::string_view bytes) {
  bool complete = false;
  const std::string_view line = first_line(bytes, complete);
  const VerbAndRest split = split_verb(line);
  const bool verb_complete = complete || line.find(' ') != std::string_view::npos;
  if (!verb_complete) {
    if (line.size() > 4) return ProbeResult::no;
    for (char c : line)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return ProbeResult::no;
    return ProbeResult::maybe;
  }
  if (iequals(split.verb, "AUTH")) {
    // FTP says AUTH TLS / AUTH SSL; POP3 and SMTP name SASL mechanisms.
    const VerbAndRest mechanism = split_verb(split.rest);
    if (istarts_with(mechanism.verb, "TLS") || iequals(mechanism.verb, "SSL")) return ProbeResult::yes;
    return ProbeResult::no;
  }
  for (std::string_view v : ftp_only)
    if (iequals(split.verb, v)) return ProbeResult::yes;
  for (std::string_view v : shared)
    if (iequals(split.verb, v)) return ProbeResult::maybe;
  return ProbeResult::no;
}

}  // namespace

ProbeResult probe_ftp(core::Direction direction, core::Bytes first_bytes) {
  if (first_bytes.empty()) return ProbeResult::maybe;
  const std::string_view bytes = core::as_chars(first_bytes);
  return direction == core::Direction::to_client ? probe_server(bytes) : probe_client(bytes);
}

}  // namespace spanwatch::proto::ftp
