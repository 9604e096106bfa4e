#include "flow/flow.hpp"

namespace spanwatch::flow {

static_assert(sizeof(Flow) <= 128, "the flow record is meant to fit two cache lines");

const char* name_of(TcpState state) {
  switch (state) {
    case TcpState::new_: return "new";
    case TcpState::established: return "established";
    case TcpState::closing: return "closing";
    case TcpState::closed: return "closed";
  }
  return "unknown";
}

core::Direction Flow::direction_of(const decode::DecodedPacket& packet) const {
  return direction_from(source_is_low(packet));
}

}  // namespace spanwatch::flow
