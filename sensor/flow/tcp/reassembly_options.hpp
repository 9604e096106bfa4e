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
  // A hole the peer has ACKed (the ACK was captured before the data, as span ports often do) waits
  // for its late data; it is declared lost on evidence the data is not coming (see README). This is
  // the last resort: after this many segments of the hole's direction that arrive without moving
  // delivery on, the hole is declared lost (ack_unseen_wait_exceeded). 0 = wait for other evidence.
  std::uint32_t ack_unseen_wait_segments = 16;
  // Receive window assumed when it is not known exactly: the receiver was never seen, or the
  // handshake was not captured so the window scale is unknown (midstream). Bounds RSTs and ACKs.
  std::uint64_t unknown_window_bytes = 1024 * 1024;
  // A segment starting more than this beyond a direction's delivery point is ignored
  // (segment_out_of_window). Default: the largest window TCP can advertise (65535 << 14).
  std::uint64_t max_ahead_bytes = std::uint64_t{65535} << 14;
};

}  // namespace spanwatch::flow::tcp
