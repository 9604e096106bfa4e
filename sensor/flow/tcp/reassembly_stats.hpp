#pragma once
// Counters of TCP reassembly for one worker. Names follow Suricata's stats.tcp keys where one exists
// (see /work/shared/schemas/eve.schema.json); the rest are spanwatch's own.
#include <cstdint>

namespace spanwatch::flow::tcp {

struct ReassemblyStats {
  std::uint64_t sessions = 0;           // sessions opened
  std::uint64_t active_sessions = 0;    // opened and not yet finished or released
  std::uint64_t syn = 0;                // SYN segments (without ACK)
  std::uint64_t synack = 0;             // SYN+ACK segments
  std::uint64_t rst = 0;                // RST segments, valid or not
  std::uint64_t rst_invalid = 0;        // RSTs ignored: sequence number outside the receiver's window
  std::uint64_t urg = 0;                // segments with URG set
  std::uint64_t midstream_pickups = 0;  // sessions where a direction started without a SYN
  std::uint64_t reassembly_gap = 0;     // gap() calls: holes reported to consumers
  std::uint64_t ack_unseen_data = 0;    // holes declared lost although the peer had ACKed them
  std::uint64_t ack_unseen_wait_exceeded = 0;  // ... of which after ack_unseen_wait_segments without progress
  std::uint64_t ack_out_of_window = 0;  // ACKs ignored: more than a window beyond the bytes seen sent
  std::uint64_t segment_out_of_window = 0;  // segments ignored: more than max_ahead_bytes beyond delivery
  std::uint64_t overlap = 0;            // segments overlapping bytes already delivered or buffered
  std::uint64_t overlap_diff_data = 0;  // ... whose bytes differ from the buffered ones they overlap
  std::uint64_t segment_memcap_drop = 0;          // global pool exhausted: a hole was declared instead
  std::uint64_t segment_direction_cap_drop = 0;   // per-direction cap hit: a hole was declared instead
  std::uint64_t segment_from_pool = 0;            // chunks taken from the pool
  std::uint64_t stream_depth_reached = 0;         // directions that reached the depth option
  std::uint64_t bypassed = 0;                     // sessions whose consumer answered stop
  std::uint64_t invalid_checksum = 0;   // segments kept out of reassembly for a bad TCP checksum
  std::uint64_t checksum_fallback_bytes = 0;  // ... bytes of them delivered after all: no good copy came
  std::uint64_t checksum_checked = 0;   // segments whose checksum was computed
  std::uint64_t checksum_bad = 0;       // ... of which bad (ignored or, taken for offload, not)
  std::uint64_t checksum_offload_suspected = 0;  // 1 once "automatic" stopped checking (see ChecksumValidation)
  std::uint64_t memuse = 0;             // bytes of pool storage reserved at construction
  std::uint64_t reassembly_memuse = 0;  // bytes of pool chunks currently holding segments
};

}  // namespace spanwatch::flow::tcp
