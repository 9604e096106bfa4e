#pragma once
// Objects a parser needs only for part of a session (a handshake message split across segments, a
// server certificate until the summary), shared by the parsers of one worker: taken on first need,
// given back when done. A parser in flight then holds only what it is using, and the memory follows
// the number of such parts alive at once rather than the number of parsers times the worst case.
// Grows when empty (at warm-up: the high-water mark of parts in flight) and never shrinks, so the
// steady state allocates nothing. Bounded without a limit of its own: each parser holds at most one
// object per use at a time, and the parsers are capped (protocols.*.max_sessions). Not thread-safe: one
// per worker, like the TLS certificate cache.
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace spanwatch::proto {

template <class T>
class WorkerPool {
 public:
  // `make` builds one object (its buffers reserved); `preallocated` are built at once.
  WorkerPool(std::function<std::unique_ptr<T>()> make, std::size_t preallocated) : make_(std::move(make)) {
    for (std::size_t i = 0; i < preallocated; ++i) grow();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // An object as the last give_back() left it (the taker clears what it needs cleared).
  T* take() {
    if (free_.empty()) grow();
    T* object = free_.back();
    free_.pop_back();
    return object;
  }
  // Last given back, first taken: the objects whose pages are already resident are reused.
  void give_back(T* object) { free_.push_back(object); }  // never reallocates: capacity >= all_

  std::size_t created() const { return all_.size(); }
  std::size_t in_use() const { return all_.size() - free_.size(); }

 private:
  void grow() {
    all_.push_back(make_());
    free_.reserve(all_.size());
    free_.push_back(all_.back().get());
  }

  std::function<std::unique_ptr<T>()> make_;
  std::vector<std::unique_ptr<T>> all_;
  std::vector<T*> free_;
};

// A maker for WorkerPool<std::vector<T>>: empty vectors with `capacity` reserved, so filling one up
// to its limit never allocates.
template <class T>
std::function<std::unique_ptr<std::vector<T>>()> reserved_vectors(std::size_t capacity) {
  return [capacity] {
    auto vector = std::make_unique<std::vector<T>>();
    vector->reserve(capacity);
    return vector;
  };
}

}  // namespace spanwatch::proto
