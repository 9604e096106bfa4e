#include "flow/tcp/reassembler.hpp"

#include <algorithm>

namespace spanwatch::flow::tcp {

Reassembler::Reassembler(const ReassemblyOptions& options)
    : options_(options),
      pool_(options.memcap_bytes, options.segment_chunk_bytes),
      max_chunks_per_direction_(static_cast<std::uint32_t>(
          std::min<std::size_t>(options.max_buffered_per_direction / pool_.chunk_bytes(), 0xffffffffu))),
      checksum_phase_(options.checksum_validation == ChecksumValidation::automatic ? ChecksumPhase::sampling
                      : options.checksum_validation == ChecksumValidation::yes     ? ChecksumPhase::enforcing
                                                                                    : ChecksumPhase::off) {}

bool Reassembler::accept_checksum(StreamDirection& direction, SegmentChecksum checksum) {
  const bool good = checksum == SegmentChecksum::good;
  ++stats_.checksum_checked;
  if (!good) ++stats_.checksum_bad;
  if (direction.checksums == ChecksumTrust::unknown)
    direction.checksums = good ? ChecksumTrust::verified : ChecksumTrust::offloaded;
  bool accept = good;
  if (checksum_phase_ == ChecksumPhase::sampling) {
    accept = good || direction.checksums == ChecksumTrust::offloaded;
    if (stats_.checksum_checked == checksum_sample_segments) {
      const bool offloaded = stats_.checksum_bad * 100 > std::uint64_t{checksum_offload_percent} * checksum_sample_segments;
      checksum_phase_ = offloaded ? ChecksumPhase::off : ChecksumPhase::enforcing;
      stats_.checksum_offload_suspected = offloaded ? 1 : 0;
    }
  }
  if (!accept) ++stats_.invalid_checksum;
  return accept;
}

void Reassembler::open(TcpSession& session) {
  if (session.owner_ != nullptr) release(session);
  session = TcpSession{};
  session.owner_ = this;
  ++stats_.sessions;
  ++stats_.active_sessions;
}

void Reassembler::release(TcpSession& session) {
  if (session.owner_ == nullptr) return;
  // Buffers always come from the reassembler the session is bound to.
  Reassembler& owner = *session.owner_;
  session.release_buffers();
  if (!session.finished_) --owner.stats_.active_sessions;
  session.owner_ = nullptr;
}

ReassemblyStats Reassembler::stats() const {
  ReassemblyStats out = stats_;
  out.memuse = std::uint64_t{pool_.capacity()} * pool_.chunk_bytes();
  out.reassembly_memuse = std::uint64_t{pool_.in_use()} * pool_.chunk_bytes();
  return out;
}

}  // namespace spanwatch::flow::tcp
