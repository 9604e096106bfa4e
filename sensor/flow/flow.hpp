#pragma once
// The per-flow record the table keeps for every conversation: identity, who is the client, capture
// times, per-direction counters and the TCP lifecycle. Deliberately small (see PERFORMANCE.md): cold
// per-flow state (reassembly, dissector) lives in the engine, found through `extension`.
#include <cstdint>
#include <limits>

#include "core/direction.hpp"
#include "core/timestamp.hpp"
#include "decode/decoded_packet.hpp"
#include "flow/flow_key.hpp"

namespace spanwatch::flow {

// Where a TCP conversation is in its life, from the flags both sides sent (not a full RFC 793 machine:
// the sensor only needs to know which timeout applies and when a 5-tuple may be reused).
enum class TcpState : std::uint8_t {
  new_,         // handshake not complete (or a midstream flow seen in one direction only)
  established,  // both directions seen, an ACK without SYN from one of them
  closing,      // a FIN from one side
  closed,       // FIN from both sides, or a RST
};
const char* name_of(TcpState state);

inline constexpr std::uint32_t no_extension = std::numeric_limits<std::uint32_t>::max();

// 128 bytes. Every packet reads or writes the first 104 (key to fin_seen), so they come first and
// share as few cache lines as possible: a flow's record is almost always cold when its next packet
// comes (the capture streams megabytes through the cache in between). The rest is read when a flow
// is reported.
struct Flow {
  FlowKey key;
  std::uint32_t extension = no_extension;  // the engine's index of its cold per-flow state
  core::Timestamp last_seen;
  std::uint64_t packets[2] = {0, 0};  // indexed by core::index_of(Direction)
  std::uint64_t bytes[2] = {0, 0};    // wire bytes, same indexing
  TcpState state = TcpState::new_;  // also tracked for UDP and other flows: established once both sides spoke
  bool client_is_low = true;        // is the client the key's low endpoint?
  bool bypassed = false;            // the engine wants no more inspection, only counting
  bool fin_seen[2] = {false, false};  // per direction
  bool midstream = false;           // a TCP flow whose first packet had no SYN
  std::uint8_t icmp_type = 0;  // of the first packet of an ICMP/ICMPv6 flow (for its community id)
  std::uint8_t icmp_code = 0;
  std::uint64_t id = 0;  // unique per run, in 1..2^53-1 (exact in any JSON reader)
  core::Timestamp first_seen;

  core::Direction direction_of(const decode::DecodedPacket& packet) const;
  // Direction of a packet whose source is (or is not) the key's low endpoint (see FlowKey::of).
  core::Direction direction_from(bool source_is_low) const {
    return source_is_low == client_is_low ? core::Direction::to_server : core::Direction::to_client;
  }
  bool seen(core::Direction direction) const { return packets[core::index_of(direction)] != 0; }

  const core::IpAddress& client_address() const { return client_is_low ? key.low_address : key.high_address; }
  const core::IpAddress& server_address() const { return client_is_low ? key.high_address : key.low_address; }
  std::uint16_t client_port() const { return client_is_low ? key.low_port : key.high_port; }
  std::uint16_t server_port() const { return client_is_low ? key.high_port : key.low_port; }
};

}  // namespace spanwatch::flow
