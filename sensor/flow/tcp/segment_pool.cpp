#include "flow/tcp/segment_pool.hpp"

#include <algorithm>

namespace spanwatch::flow::tcp {

namespace {
constexpr std::size_t min_chunk_bytes = 64;
constexpr std::size_t max_chunk_bytes = 65535;  // SegmentChunk::begin/length are 16-bit
constexpr std::size_t max_chunks = 0xfffffffeu;  // `none` is reserved
}  // namespace

SegmentPool::SegmentPool(std::size_t memcap_bytes, std::size_t chunk_bytes)
    : chunk_bytes_(std::clamp(chunk_bytes, min_chunk_bytes, max_chunk_bytes)),
      capacity_(static_cast<std::uint32_t>(std::min(memcap_bytes / chunk_bytes_, max_chunks))),
      // Left uninitialised on purpose: pages are touched only when a chunk is first used.
      chunks_(std::make_unique_for_overwrite<SegmentChunk[]>(capacity_)),
      storage_(std::make_unique_for_overwrite<std::uint8_t[]>(std::size_t{capacity_} * chunk_bytes_)) {}

std::uint32_t SegmentPool::allocate() {
  std::uint32_t index = free_head_;
  if (index != none) {
    free_head_ = chunks_[index].next;
  } else if (fresh_ < capacity_) {
    index = fresh_++;
  } else {
    return none;
  }
  chunks_[index] = SegmentChunk{};
  chunks_[index].next = none;
  ++in_use_;
  return index;
}

void SegmentPool::release(std::uint32_t index) {
  chunks_[index].next = free_head_;
  free_head_ = index;
  --in_use_;
}

}  // namespace spanwatch::flow::tcp
