#pragma once
// Preallocated storage for out-of-order TCP segments, shared by all sessions of one worker: fixed-size
// chunks handed out from a free list, so buffering never touches the heap after construction.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/bytes.hpp"

namespace spanwatch::flow::tcp {

// One buffered piece of a stream: `length` bytes of the direction starting at stream offset `offset`,
// held at `begin` within the chunk's storage. Chunks of one direction form a list sorted by offset.
struct SegmentChunk {
  std::uint64_t offset = 0;
  std::uint32_t next = 0;  // next chunk of the owning list, or of the free list
  std::uint16_t begin = 0;
  std::uint16_t length = 0;

  std::uint64_t end() const { return offset + length; }
};

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
  std::uint32_t capacity() const { return static_cast<std::uint32_t>(chunks_.size()); }
  std::uint32_t in_use() const { return in_use_; }
  std::uint32_t available() const { return capacity() - in_use_; }

 private:
  std::size_t chunk_bytes_;
  std::vector<SegmentChunk> chunks_;
  std::unique_ptr<std::uint8_t[]> storage_;
  std::uint32_t free_head_ = none;
  std::uint32_t in_use_ = 0;
};

}  // namespace spanwatch::flow::tcp
