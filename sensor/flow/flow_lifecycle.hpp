#pragma once
// How a flow's state moves with each packet. TCP follows the flags both sides send; UDP and other
// protocols become `established` once both directions have been seen and otherwise never close (they
// only time out).
#include "core/direction.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/flow.hpp"

namespace spanwatch::flow {

// Applies `packet` (already counted in `flow`, travelling `direction`) to the flow's state.
//   any RST                                     -> closed
//   FIN                                         -> closing, or closed once both sides sent one
//   new_, both directions seen, ACK without SYN -> established (a completed handshake, or a
//                                                  midstream flow answered by the other side)
void advance_state(Flow& flow, const decode::DecodedPacket& packet, core::Direction direction);

// A SYN without ACK on a closed TCP flow: the 5-tuple is being reused for a new connection.
bool starts_new_connection(const Flow& flow, const decode::DecodedPacket& packet);

}  // namespace spanwatch::flow
