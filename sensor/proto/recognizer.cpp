#include "proto/recognizer.hpp"

#include <array>

#include "proto/ftp/probe.hpp"
#include "proto/pop3/probe.hpp"
#include "proto/smb/probe.hpp"
#include "proto/starttls/probe.hpp"
#include "proto/tls/probe.hpp"

namespace spanwatch::proto {
namespace {

using events::Protocol;
using ProbeFunction = ProbeResult (*)(core::Direction, core::Bytes);

struct Candidate {
  Protocol protocol;
  ProbeFunction probe;
};

// Binary protocols first: their probes are exact; the line protocols share verbs and banners.
constexpr std::array<Candidate, 6> candidates = {{
    {Protocol::tls, &tls::probe_tls},
    {Protocol::smb, &smb::probe_smb},
    {Protocol::ftp, &ftp::probe_ftp},
    {Protocol::pop3, &pop3::probe_pop3},
    {Protocol::smtp, &starttls::probe_smtp},
    {Protocol::imap, &starttls::probe_imap},
}};

}  // namespace

Protocol protocol_of_port(std::uint16_t port) {
  switch (port) {
    case 21: case 2121: return Protocol::ftp;
    case 110: case 1110: return Protocol::pop3;
    case 139: case 445: return Protocol::smb;
    case 443: case 8443: case 465: case 993: case 995: case 990: case 636: case 853: return Protocol::tls;
    case 25: case 587: case 2525: return Protocol::smtp;
    case 143: return Protocol::imap;
    default: return Protocol::none;
  }
}

Recognition recognize(core::Direction direction, core::Bytes first_bytes, std::uint16_t server_port) {
  Protocol first_yes = Protocol::none;
  int yes_count = 0;
  bool any_maybe = false;
  const Protocol by_port = protocol_of_port(server_port);
  bool port_fits = false;
  for (const Candidate& c : candidates) {
    const ProbeResult result = c.probe(direction, first_bytes);
    if (c.protocol == by_port && result != ProbeResult::no) port_fits = true;
    switch (result) {
      case ProbeResult::yes:
        if (c.protocol == by_port) return {c.protocol, false, true};
        if (yes_count++ == 0) first_yes = c.protocol;
        break;
      case ProbeResult::maybe:
        any_maybe = true;
        break;
      case ProbeResult::no:
        break;
    }
  }
  // Several yes and none is the port's protocol: the most specific probe (table order) wins.
  if (yes_count > 0) return {first_yes, false, port_fits};
  return {Protocol::none, !any_maybe, port_fits};
}

}  // namespace spanwatch::proto
