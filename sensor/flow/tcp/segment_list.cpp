#include "flow/tcp/segment_list.hpp"

#include <algorithm>
#include <cstring>

namespace spanwatch::flow::tcp {

namespace {
std::uint64_t chunks_for(std::uint64_t length, std::size_t chunk_bytes) {
  return (length + chunk_bytes - 1) / chunk_bytes;
}
}  // namespace

std::uint32_t SegmentList::plan(const SegmentPool& pool, std::uint64_t offset, core::Bytes bytes,
                                InsertResult& result) const {
  const std::uint64_t end = offset + bytes.size();
  std::uint64_t cursor = offset;
  std::uint64_t needed = 0;
  for (std::uint32_t i = head_; i != SegmentPool::none && cursor < end; i = pool.chunk(i).next) {
    const SegmentChunk& c = pool.chunk(i);
    if (c.end() <= cursor) continue;
    if (c.offset >= end) break;
    if (c.offset > cursor) needed += chunks_for(c.offset - cursor, pool.chunk_bytes());
    const std::uint64_t from = std::max(cursor, c.offset);
    const std::uint64_t to = std::min(end, c.end());
    result.overlap = true;
    const core::Bytes held = pool.bytes(i).subspan(from - c.offset, to - from);
    if (std::memcmp(held.data(), bytes.data() + (from - offset), held.size()) != 0) result.diff_data = true;
    cursor = to;
  }
  if (cursor < end) needed += chunks_for(end - cursor, pool.chunk_bytes());
  // Appending to a chunk with room may need fewer chunks than planned; the plan errs on the safe side.
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(needed, 0xffffffffu));
}

SegmentList::InsertResult SegmentList::insert(SegmentPool& pool, std::uint64_t offset, core::Bytes bytes,
                                              std::uint32_t max_chunks) {
  InsertResult result;
  const std::uint32_t needed = plan(pool, offset, bytes, result);
  if (needed == 0) return result;
  if (std::uint64_t{chunks_} + needed > max_chunks) {
    result.status = InsertStatus::direction_cap_full;
    return result;
  }
  if (needed > pool.available()) {
    result.status = InsertStatus::pool_exhausted;
    return result;
  }

  const std::uint64_t end = offset + bytes.size();
  const std::size_t chunk_bytes = pool.chunk_bytes();
  std::uint64_t cursor = offset;
  std::uint32_t prev = SegmentPool::none;
  std::uint32_t* link = &head_;
  while (cursor < end) {
    const std::uint32_t current = *link;
    if (current != SegmentPool::none && pool.chunk(current).offset <= cursor) {
      // Held already (first data wins) or entirely before the cursor: step over it.
      cursor = std::max(cursor, std::min(end, pool.chunk(current).end()));
      prev = current;
      link = &pool.chunk(current).next;
      continue;
    }
    const std::uint64_t hole_end = current == SegmentPool::none ? end : std::min(end, pool.chunk(current).offset);
    const std::uint8_t* source = bytes.data() + (cursor - offset);
    if (prev != SegmentPool::none && pool.chunk(prev).end() == cursor) {
      // Fill the tail of the previous chunk first: byte-sized segments then share chunks.
      SegmentChunk& p = pool.chunk(prev);
      const std::size_t room = chunk_bytes - p.begin - p.length;
      if (room > 0) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(room, hole_end - cursor));
        std::memcpy(pool.storage(prev) + p.begin + p.length, source, n);
        p.length = static_cast<std::uint16_t>(p.length + n);
        cursor += n;
        continue;
      }
    }
    const std::uint32_t fresh = pool.allocate();  // cannot fail: plan() counted these
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, hole_end - cursor));
    SegmentChunk& c = pool.chunk(fresh);
    c.offset = cursor;
    c.length = static_cast<std::uint16_t>(n);
    c.next = current;
    std::memcpy(pool.storage(fresh), source, n);
    *link = fresh;
    ++chunks_;
    ++result.chunks_taken;
    prev = fresh;
    link = &c.next;
    cursor += n;
  }
  return result;
}

std::uint32_t SegmentList::unlink_front(SegmentPool& pool) {
  const std::uint32_t front = head_;
  if (front == SegmentPool::none) return front;
  head_ = pool.chunk(front).next;
  --chunks_;
  return front;
}

void SegmentList::trim_before(SegmentPool& pool, std::uint64_t offset) {
  while (head_ != SegmentPool::none && pool.chunk(head_).offset < offset) {
    SegmentChunk& c = pool.chunk(head_);
    if (c.end() <= offset) {
      pool.release(unlink_front(pool));
      continue;
    }
    const auto cut = static_cast<std::uint16_t>(offset - c.offset);
    c.offset = offset;
    c.begin = static_cast<std::uint16_t>(c.begin + cut);
    c.length = static_cast<std::uint16_t>(c.length - cut);
    break;
  }
}

std::uint64_t SegmentList::end(const SegmentPool& pool) const {
  std::uint64_t out = 0;
  for (std::uint32_t i = head_; i != SegmentPool::none; i = pool.chunk(i).next) out = pool.chunk(i).end();
  return out;
}

void SegmentList::clear(SegmentPool& pool) {
  while (head_ != SegmentPool::none) pool.release(unlink_front(pool));
}

}  // namespace spanwatch::flow::tcp
