#pragma once
// What an evasion case replays: the application messages of one or more TCP connections, written
// once per detection and then put on the wire by EvasiveConnection in whatever shape a technique asks.
#include <cstdint>
#include <string>
#include <vector>

#include "support/tcp_conversation.hpp"

namespace spanwatch::evasion {

using testing::Address;
using testing::Frame;
using testing::Side;

struct Message {
  Side from = Side::client;
  Frame bytes;
  // What a conflicting overlap carries instead, same length. Empty: a generic decoy (a line of 'X'
  // keeping its CRLF, or the bytes inverted), which no parser takes for the real message.
  Frame decoy;
  bool critical = false;  // the message the detection hinges on: junk-first overlaps target it
  bool prologue = false;  // SMB negotiate: absent from a capture started after negotiate
  std::uint64_t pause_ns = 0;  // before the message (server think time)
};

struct Script {  // one TCP connection
  Address client, server;
  std::uint16_t client_port = 0, server_port = 0;
  std::vector<Message> messages;
};

// The decoy a conflicting overlap of `m` carries (m.decoy, or the generic one).
Frame decoy_of(const Message& m);
// The first byte where message and decoy differ (where a buffered overlap is cut).
std::size_t first_difference(const Message& m);

}  // namespace spanwatch::evasion
