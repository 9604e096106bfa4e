#pragma once
// Recognition by content: each protocol offers a probe that looks at the first bytes one side of a
// flow sent (ports only break ties, in the recogniser).
#include <cstdint>

#include "core/bytes.hpp"
#include "core/direction.hpp"

namespace spanwatch::proto {

enum class ProbeResult : std::uint8_t {
  no,     // these bytes are not this protocol
  maybe,  // too few bytes to say, or they fit but so would another protocol's
  yes,    // these bytes are this protocol
};

}  // namespace spanwatch::proto
