#pragma once
// Limits and timeouts of one worker's flow table. Defaults follow Suricata's flow section.
#include <cstddef>
#include <cstdint>

namespace spanwatch::flow {

struct FlowTimeouts {
  // Seconds of capture time without a packet after which a flow ends.
  std::uint32_t tcp_new = 30;           // TCP before the handshake completes
  std::uint32_t tcp_established = 3600;
  std::uint32_t tcp_closed = 60;        // after a FIN or RST (closing and closed)
  std::uint32_t udp = 120;
  std::uint32_t other = 60;             // ICMP and every other IP protocol
};

// While the table is full ("emergency", as Suricata's flow emergency mode), these replace the normal
// timeouts, both for expiry and for choosing whom to evict. The not-yet-established classes share one
// short value on purpose: with unequal values (30 s for a SYN, 120 s for UDP) a UDP flood fills the
// table and every new TCP connection becomes the eviction victim before its handshake completes.
inline constexpr FlowTimeouts default_emergency_timeouts{10, 100, 10, 10, 10};

struct FlowTableOptions {
  // Memory for flow records and the bucket index, all allocated at construction.
  std::size_t memcap_bytes = 32u << 20;
  // When non-zero, the number of flow records regardless of memcap_bytes.
  std::size_t max_flows = 0;
  // A full table ends the flow closest to expiry to make room (counted as evicted); when false the
  // new flow is refused instead (counted as memcap) and its packets get no flow.
  bool evict_when_full = true;
  FlowTimeouts timeouts;
  FlowTimeouts emergency_timeouts = default_emergency_timeouts;
  // Emergency ends once this share of the records is free again (Suricata's emergency-recovery).
  std::uint32_t emergency_recovery_percent = 30;
  // Seeds of the bucket hash and of flow ids; 0 draws one at random per run (a fixed hash seed lets
  // an attacker who knows it aim every flow at one bucket).
  std::uint64_t hash_seed = 0;
  std::uint64_t flow_id_seed = 0;
};

}  // namespace spanwatch::flow
