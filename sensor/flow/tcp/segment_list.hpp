#pragma once
// The out-of-order bytes of one direction: pool chunks in a singly linked list sorted by stream offset,
// never overlapping. Overlap policy, "first data wins": bytes already held are kept, a later segment's
// bytes for the same offsets are ignored (and compared, so differing data can be counted).
#include <cstdint>

#include "core/bytes.hpp"
#include "flow/tcp/segment_pool.hpp"

namespace spanwatch::flow::tcp {

class SegmentList {
 public:
  enum class InsertStatus : std::uint8_t {
    inserted,            // every byte not already held is now held (possibly none)
    direction_cap_full,  // would exceed the direction's chunk limit: nothing inserted
    pool_exhausted,      // the shared pool has too few free chunks: nothing inserted
  };
  struct InsertResult {
    InsertStatus status = InsertStatus::inserted;
    bool overlap = false;    // some bytes were already held
    bool diff_data = false;  // ... and differ from the segment's
    std::uint32_t chunks_taken = 0;
  };

  // Holds the bytes of [offset, offset + bytes.size()) not already held, using at most
  // `max_chunks` chunks for the whole list. All or nothing.
  InsertResult insert(SegmentPool& pool, std::uint64_t offset, core::Bytes bytes, std::uint32_t max_chunks);

  std::uint32_t head() const { return head_; }
  bool empty() const { return head_ == SegmentPool::none; }
  std::uint32_t chunk_count() const { return chunks_; }
  // End offset of the last chunk (0 when empty). Walks the list.
  std::uint64_t end(const SegmentPool& pool) const;

  // Unlinks the first chunk and returns it; the caller releases it to the pool when done with it.
  std::uint32_t unlink_front(SegmentPool& pool);
  // Drops held bytes below `offset` (after a skip), trimming a chunk that straddles it.
  void trim_before(SegmentPool& pool, std::uint64_t offset);
  void clear(SegmentPool& pool);

 private:
  // Chunks needed for the bytes of the segment not yet held; also compares the ones that are.
  std::uint32_t plan(const SegmentPool& pool, std::uint64_t offset, core::Bytes bytes, InsertResult& result) const;

  std::uint32_t head_ = SegmentPool::none;
  std::uint32_t chunks_ = 0;
};

}  // namespace spanwatch::flow::tcp
