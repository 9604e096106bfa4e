#pragma once
// An application-layer anomaly: the protocol said something a parser did not expect (an over-long
// line, a malformed argument, a length past the end). Names are snake_case, stable, and typed once
// per protocol in that protocol's events header; EVE prints them as anomaly.event.
#include <string_view>

#include "events/protocol.hpp"

namespace spanwatch::events {

struct AppAnomaly {
  static constexpr std::string_view name = "anomaly";
  Protocol protocol = Protocol::none;
  std::string_view event;  // e.g. "ftp.line_too_long" — a literal owned by the parser
};

}  // namespace spanwatch::events
