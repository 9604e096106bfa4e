#pragma once
// Recognition by content (ARCHITECTURE.md: "the recogniser picks a dissector by content, ports only
// break ties"). Each protocol's probe looks at the first bytes one side sent; the recogniser asks all
// of them, keeps the ones that say yes, and uses the server port only to choose among several.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "events/protocol.hpp"

namespace spanwatch::proto {

struct Recognition {
  events::Protocol protocol = events::Protocol::none;
  // No probe can still say yes for this direction's bytes: the recogniser has given up on them.
  bool hopeless = false;
  // The server port's protocol fits these bytes (its probe said maybe or yes). When it fits both
  // directions and no probe is sure, the port decides: "220 Welcome" + "USER x" on port 21 is FTP.
  bool port_protocol_fits = false;
};

// `first_bytes` are the first bytes `direction` sent in this flow (as many as are known so far).
Recognition recognize(core::Direction direction, core::Bytes first_bytes, std::uint16_t server_port);

// The protocol a well-known server port suggests (tie-breaks only; never decides alone).
events::Protocol protocol_of_port(std::uint16_t server_port);

}  // namespace spanwatch::proto
