#pragma once
// Which endpoint of a new flow is the client (the initiator)? Decided once, from the flow's first
// packet:
//  1. TCP SYN without ACK: the sender is the client.
//  2. TCP SYN+ACK (the SYN was missed): the receiver is the client.
//  3. Anything else (TCP midstream, UDP, ICMP, other): the ports decide when they differ in class —
//     well-known (< 1024) beats registered (< 49152) beats ephemeral, the better-known side being the
//     server; two well-known ports: the lower one is the server. Otherwise the sender of the first
//     packet is the client.
// Rule 3 is a guess (a server may listen on any port) but it makes a capture that starts midstream,
// or a response seen before its request, name the same client as a capture that saw the start.
#include "decode/decoded_packet.hpp"

namespace spanwatch::flow {

bool source_is_client(const decode::DecodedPacket& first_packet);

}  // namespace spanwatch::flow
