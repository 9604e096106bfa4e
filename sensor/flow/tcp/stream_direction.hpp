#pragma once
// The reassembly state of one direction of a TCP session: where its stream starts in sequence space,
// how far it has been handed to the consumer, and its out-of-order bytes. Stream offsets are 64-bit
// (offset 0 is the first byte after the SYN, or the first byte seen when picked up midstream), so
// only the mapping from a 32-bit sequence number needs modular arithmetic.
#include <cstdint>

#include "flow/tcp/segment_list.hpp"
#include "flow/tcp/sequence_window.hpp"

namespace spanwatch::flow::tcp {

enum class StreamState : std::uint8_t {
  unseen,         // neither SYN nor data seen yet: the sequence base is unknown
  open,           // delivering
  closed,         // everything up to the FIN was handed over, or the session was reset
  depth_reached,  // the depth option was reached: nothing more is delivered
};

// What the first checked segment of a direction said about its sender's checksums.
enum class ChecksumTrust : std::uint8_t { unknown, verified, offloaded };

struct StreamDirection {
  std::uint64_t next = 0;          // offset of the next byte owed to the consumer
  std::uint64_t reference = 0;     // highest in-order end seen on the wire: anchors sequence mapping
  std::uint64_t passed_begin = 0;  // last range passed over without delivery (skip or gap), so that
  std::uint64_t passed_end = 0;    //   late segments inside it are not counted as overlaps
  std::uint64_t fin_offset = 0;    // valid when fin_seen
  std::uint64_t acked = 0;         // highest offset the peer ACKed: bytes in [next, acked) not yet captured
                                   //   are holes marked by the ACK, waiting for late data
  std::uint32_t unfilled_segments = 0;  // segments of this direction since a marked hole last saw progress
  std::uint32_t base_seq = 0;      // sequence number of offset 0
  SegmentList pending;             // out-of-order bytes beyond `next`
  SegmentList suspect;             // bytes of segments with a bad checksum beyond `next`: they fill a hole
                                   //   only when it is declared lost (no good copy came)
  SequenceWindow wire;             // raw sequence numbers and window, for validating RSTs and ACKs
  StreamState state = StreamState::unseen;
  bool syn_seen = false;
  bool fin_seen = false;
  ChecksumTrust checksums = ChecksumTrust::unknown;

  // Stream offset of a sequence number, taken within ±2^31 of `reference`; negative means before
  // the stream's start.
  std::int64_t offset_of(std::uint32_t seq) const {
    const std::uint32_t reference_seq = base_seq + static_cast<std::uint32_t>(reference);
    return static_cast<std::int64_t>(reference) + static_cast<std::int32_t>(seq - reference_seq);
  }
  // The peer ACKed bytes at or after `next` that were not delivered: late data may still come.
  bool has_acked_hole() const { return acked > next; }
  void start(std::uint32_t first_seq) {
    base_seq = first_seq;
    state = StreamState::open;
  }
};

}  // namespace spanwatch::flow::tcp
