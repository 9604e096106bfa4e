#pragma once
// The hand-over of finished records from one packet worker to the output thread: a bounded
// single-producer single-consumer ring of bytes holding each record (its line, and an alert's
// summary fields) copied whole, so the worker's buffers are free again at once. The worker never
// allocates here. A full ring either drops the record and counts it (live capture: a worker must
// never stall behind a slow disk or peer) or waits for room (offline: nothing is lost, reading the
// file simply slows down).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "alert/record.hpp"
#include "core/page_memory.hpp"

namespace spanwatch::alert {

enum class FullQueuePolicy : std::uint8_t { drop, wait };

struct RecordQueueOptions {
  std::size_t bytes = 8u << 20;  // ring size, rounded up to a power of two; a record may use half
  FullQueuePolicy when_full = FullQueuePolicy::drop;
};

class RecordQueue final : public RecordSink {
 public:
  explicit RecordQueue(RecordQueueOptions options = {});
  RecordQueue(const RecordQueue&) = delete;
  RecordQueue& operator=(const RecordQueue&) = delete;

  // Producer (the worker's thread). False when the record was dropped (full ring, or too large).
  bool write(const Record& record) override;

  // Consumer (the output thread): calls `visit(const Record&)` for each queued record, oldest first,
  // up to `max_records`; the record's views point into the ring and end when `visit` returns.
  // Returns how many were taken.
  template <class Visit>
  std::size_t drain(Visit&& visit, std::size_t max_records = SIZE_MAX) {
    std::size_t taken = 0;
    while (taken < max_records) {
      Record record;
      AlertSummary alert;
      const std::size_t size = peek(record, alert);
      if (size == 0) break;
      visit(static_cast<const Record&>(record));
      release(size);
      ++taken;
    }
    return taken;
  }

  bool empty() const {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
  }
  std::size_t capacity() const { return mask_ + 1; }

  // Producer-side counters, readable from any thread.
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }  // times the producer waited

 private:
  std::size_t free_bytes(std::size_t head);
  // The next record's size in the ring (0: none), its views filled in.
  std::size_t peek(Record& record, AlertSummary& alert);
  void release(std::size_t size);

  const RecordQueueOptions options_;
  const std::size_t mask_;
  core::PageMemory ring_memory_;
  std::byte* ring_;
  alignas(64) std::atomic<std::size_t> head_{0};  // bytes ever written (producer)
  std::size_t tail_cache_ = 0;                    // producer's copy of tail_
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> waits_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};  // bytes ever consumed (consumer)
};

}  // namespace spanwatch::alert
