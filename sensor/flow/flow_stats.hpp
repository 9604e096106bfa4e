#pragma once
// Counters of one flow table, named after Suricata's stats.flow keys so EVE stats can map them
// one to one (the EVE name is given where it differs from the field name).
#include <cstdint>

namespace spanwatch::flow {

struct FlowStats {
  std::uint64_t total = 0;   // flows created
  std::uint64_t active = 0;  // flows in the table now
  std::uint64_t tcp = 0;     // flows created, by IP protocol
  std::uint64_t udp = 0;
  std::uint64_t icmpv4 = 0;
  std::uint64_t icmpv6 = 0;
  std::uint64_t other = 0;       // (no EVE key) any other IP protocol
  std::uint64_t tcp_reuse = 0;   // closed TCP flows ended by a new SYN on the same tuple
  std::uint64_t memcap = 0;      // flow creations refused because the table was full
  std::uint64_t memuse = 0;      // bytes allocated for the table (constant after construction)
  std::uint64_t spare = 0;       // free flow records
  std::uint64_t emerg_mode_entered = 0;  // the table filled up: emergency timeouts took over
  std::uint64_t emerg_mode_over = 0;     // emergency_recovery_percent of the records were free again
  // Flows ended, by FlowEndReason. Always: total == active + timeouts + evicted + ended_closed + ended_shutdown.
  std::uint64_t timeouts = 0;        // mgr.flows_timeout
  std::uint64_t evicted = 0;         // wrk.flows_evicted: to make room for a new flow
  std::uint64_t ended_closed = 0;    // (no EVE key) closed flows ended by a new connection (see tcp_reuse)
  std::uint64_t ended_shutdown = 0;  // (no EVE key) by end_all(shutdown)
  std::uint64_t no_flow = 0;     // (no EVE key) packets that cannot belong to a flow (not IP)
  std::uint64_t midstream = 0;   // (no EVE key) TCP flows whose first packet had no SYN

  // end.state.*: the state flows were in when they ended.
  struct EndState {
    std::uint64_t new_ = 0;
    std::uint64_t established = 0;
    std::uint64_t closing = 0;  // (no EVE key: Suricata counts it under closed)
    std::uint64_t closed = 0;
    std::uint64_t local_bypassed = 0;  // also counted under its state
  } end_state;
};

}  // namespace spanwatch::flow
