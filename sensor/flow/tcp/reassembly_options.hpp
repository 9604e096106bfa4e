#pragma once
// Limits of TCP reassembly for one worker. Every limit here has a counter in ReassemblyStats.
#include <cstddef>
#include <cstdint>

namespace spanwatch::flow::tcp {

// Whether TCP segments with a bad checksum are kept out of reassembly. The receiver drops them, so
// an attacker can send junk with a bad checksum first and the real bytes after: a sensor that
// takes the first copy sees the junk (Ptacek & Newsham's insertion). But a capture taken on a host
// that sends with checksum offload has a bad checksum on every packet that host sent, and edited
// captures (and some capture paths) carry single bad segments that no good copy ever follows. So a
// segment kept out is not thrown away: its bytes wait beside the stream and fill the hole only if it
// is declared lost (the peer ACKed past it and the sender moved on, or the flow ended) — a good copy
// always wins, and nothing is lost when none comes.
enum class ChecksumValidation : std::uint8_t {
  // Suricata's "auto": the first checksum_sample_segments checked segments decide; if more than
  // checksum_offload_percent of them are bad the capture is taken for offloaded and checksums are no
  // longer looked at, otherwise bad segments are ignored from then on. Until the sample is complete,
  // a direction of a flow whose first segment had a good checksum ignores its bad ones, and a
  // direction that started bad is taken as offloaded (so small captures from such a host still work).
  automatic,
  yes,  // every segment with a bad checksum is ignored
  no,   // checksums are not looked at
};
constexpr std::uint32_t checksum_sample_segments = 1000;
constexpr std::uint32_t checksum_offload_percent = 10;

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
  ChecksumValidation checksum_validation = ChecksumValidation::automatic;
};

}  // namespace spanwatch::flow::tcp
