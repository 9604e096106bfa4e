#include "flow/tcp/reassembler.hpp"

#include <algorithm>

namespace spanwatch::flow::tcp {

Reassembler::Reassembler(const ReassemblyOptions& options)
    : options_(options),
      pool_(options.memcap_bytes, options.segment_chunk_bytes),
      max_chunks_per_direction_(static_cast<std::uint32_t>(
          std::min<std::size_t>(options.max_buffered_per_direction / pool_.chunk_bytes(), 0xffffffffu))) {}

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
