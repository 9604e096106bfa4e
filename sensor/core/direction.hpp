#pragma once
#include <cstdint>

namespace spanwatch::core {

// Which way a packet or a byte travels within a flow: from the connection's initiator (client)
// to the responder (server), or back.
enum class Direction : std::uint8_t { to_server = 0, to_client = 1 };

constexpr Direction opposite(Direction d) {
  return d == Direction::to_server ? Direction::to_client : Direction::to_server;
}
constexpr unsigned index_of(Direction d) { return static_cast<unsigned>(d); }
constexpr const char* name_of(Direction d) { return d == Direction::to_server ? "to_server" : "to_client"; }

}  // namespace spanwatch::core
