#pragma once
// Limits of TCP reassembly for one worker. Every limit here has a counter in ReassemblyStats.
#include <cstddef>
#include <cstdint>

namespace spanwatch::flow::tcp {

struct ReassemblyOptions {
  // Storage for out-of-order segments shared by all sessions of one worker, preallocated at
  // construction as memcap_bytes / segment_chunk_bytes chunks (chunk headers come on top).
  std::size_t memcap_bytes = 64 * 1024 * 1024;
  // Out-of-order bytes one direction may hold, counted in whole chunks (a 10-byte segment costs a chunk).
  std::size_t max_buffered_per_direction = 256 * 1024;
  // Stream offset of a direction after which nothing more is delivered; 0 = unlimited.
  std::uint64_t depth = 0;
  // Size of one pool chunk: a full-sized segment fits one chunk; larger segments span several.
  // Clamped to [64, 65535].
  std::size_t segment_chunk_bytes = 2048;
};

}  // namespace spanwatch::flow::tcp
