#pragma once
// One worker's TCP reassembly: owns the out-of-order SegmentPool and the stats, and binds the
// engine's TcpSession objects to them. Sessions live wherever the engine keeps its per-flow cold
// state; one Reassembler serves all sessions of one worker thread (not thread-safe).
#include <cstdint>

#include "flow/tcp/reassembly_options.hpp"
#include "flow/tcp/reassembly_stats.hpp"
#include "flow/tcp/segment_pool.hpp"
#include "flow/tcp/tcp_session.hpp"

namespace spanwatch::flow::tcp {

class Reassembler {
 public:
  explicit Reassembler(const ReassemblyOptions& options);
  Reassembler(const Reassembler&) = delete;
  Reassembler& operator=(const Reassembler&) = delete;

  // Resets `session` for a new flow and binds it to this reassembler. A session still holding a
  // previous flow's buffers (never finished) gives them back first, without consumer calls.
  void open(TcpSession& session);
  // Forgets a flow without consumer calls (teardown); finish() is the normal end of a flow.
  void release(TcpSession& session);

  // Whether the engine should compute the checksum of the segments it hands to sessions: false once
  // "automatic" validation has taken the capture for offloaded, or with validation off.
  bool checks_checksums() const { return checksum_phase_ != ChecksumPhase::off; }

  // The one counter the engine checks per segment, without copying all of them.
  std::uint64_t overlap_diff_data() const { return stats_.overlap_diff_data; }

  // Counters, with the pool's current use filled in.
  ReassemblyStats stats() const;
  const ReassemblyOptions& options() const { return options_; }
  const SegmentPool& pool() const { return pool_; }

 private:
  friend class TcpSession;

  enum class ChecksumPhase : std::uint8_t {
    sampling,    // "automatic", deciding: each direction's first segment decides for the direction
    enforcing,   // every bad segment is ignored
    off,         // not checked
  };

  // Whether a segment with this checksum goes on into reassembly; moves the sample on.
  bool accept_checksum(StreamDirection& direction, SegmentChecksum checksum);

  ReassemblyOptions options_;
  SegmentPool pool_;
  std::uint32_t max_chunks_per_direction_;
  ReassemblyStats stats_;
  ChecksumPhase checksum_phase_;
};

}  // namespace spanwatch::flow::tcp
