#pragma once
// Preallocated storage for out-of-order TCP segments, shared by all sessions of one worker: fixed-size
// chunks handed out from a free list, so buffering never touches the heap after construction.
// Neither the chunks' bytes nor their headers are written before first use, and a released chunk
// is reused before a fresh one, so the pages resident follow the most chunks held at once (on a
// clean capture a handful) rather than the memcap.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "core/bytes.hpp"

namespace spanwatch::flow::tcp {

// One buffered piece of a stream: `length` bytes of the direction starting at stream offset `offset`,
// held at `begin` within the chunk's storage. Chunks of one direction form a list sorted by offset.
// Trivial on purpose (no member initialisers): the pool's headers stay unwritten until first use;
// SegmentPool::allocate() hands each out value-initialised.
struct SegmentChunk {
  std::uint64_t offset;
  std::uint32_t next;  // next chunk of the owning list, or of the free list
  std::uint16_t begin;
  std::uint16_t length;

  std::uint64_t end() const { return offset + length; }
};

static_assert(std::is_trivially_default_constructible_v<SegmentChunk>);

class SegmentPool {
 public:
  static constexpr std::uint32_t none = 0xffffffffu;

  SegmentPool(std::size_t memcap_bytes, std::size_t chunk_bytes);

  // A free chunk (zeroed header), or `none` when the pool is exhausted.
  std::uint32_t allocate();
  void release(std::uint32_t index);

  SegmentChunk& chunk(std::uint32_t index) { return chunks_[index]; }
  const SegmentChunk& chunk(std::uint32_t index) const { return chunks_[index]; }
  std::uint8_t* storage(std::uint32_t index) { return storage_.get() + std::size_t{index} * chunk_bytes_; }
  // The bytes a chunk holds: valid until the chunk is released.
  core::Bytes bytes(std::uint32_t index) const {
    const SegmentChunk& c = chunks_[index];
    return {storage_.get() + std::size_t{index} * chunk_bytes_ + c.begin, c.length};
  }

  std::size_t chunk_bytes() const { return chunk_bytes_; }
  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t in_use() const { return in_use_; }
  std::uint32_t available() const { return capacity() - in_use_; }

 private:
  std::size_t chunk_bytes_;
  std::uint32_t capacity_;
  std::unique_ptr<SegmentChunk[]> chunks_;  // uninitialised: a header is written when its chunk is first used
  std::unique_ptr<std::uint8_t[]> storage_;
  std::uint32_t free_head_ = none;  // released chunks, last released first
  std::uint32_t fresh_ = 0;         // chunks never used yet: [fresh_, capacity_)
  std::uint32_t in_use_ = 0;
};

}  // namespace spanwatch::flow::tcp
