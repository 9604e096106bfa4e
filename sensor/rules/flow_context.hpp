#pragma once
// The flow facts a rule may test, as plain values the engine fills for each event (rules never see a
// flow table). `client` is the flow's initiator: it is `flow.src_*` in rules and in EVE.
#include <cstdint>

#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::rules {

struct FlowContext {
  core::IpAddress client_ip;
  core::IpAddress server_ip;
  std::uint16_t client_port = 0;
  std::uint16_t server_port = 0;
  std::uint16_t vlan = 0;     // outermost tag, 0 without one
  std::uint64_t flow_id = 0;  // the EVE flow_id: per-flow deduplication keys on it
  core::Timestamp ts;         // capture time of the packet that produced the event
};

}  // namespace spanwatch::rules
