#pragma once
// Objects a parser needs only for part of a session (a handshake message split across segments, a
// server certificate until the summary), shared by the parsers of one worker: taken on first need,
// given back when done. A parser in flight then holds only what it is using, and the memory follows
// the number of such parts alive at once rather than the number of parsers times the worst case.
// Grows when empty (at warm-up: the high-water mark of parts in flight) and never shrinks, so the
// steady state allocates nothing. Bounded without a limit of its own: each parser holds at most one
// object per use at a time (a PooledQueue: at most its own limit of entries), and the parsers are
// capped (protocols.*.max_sessions). Not thread-safe: one per worker, like the TLS certificate cache.
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
  // Objects built by T's default constructor.
  explicit WorkerPool(std::size_t preallocated = 0) : WorkerPool([] { return std::make_unique<T>(); }, preallocated) {}
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

// One entry of a PooledQueue: the value and the link to the entry after it.
template <class T>
struct QueueNode {
  T value;
  QueueNode* next = nullptr;
};

// A FIFO whose entries are taken one at a time from a worker's pool and given back as they leave:
// requests awaiting their response hold memory only while they wait, and a worker's memory follows
// the requests waiting across all its sessions (one or two per busy session), not its parsers times
// their limit (a ring reserved per parser costs a page per busy session even when one slot is
// used). The owner bounds the length. The pool must outlive the queue.
template <class T>
class PooledQueue {
 public:
  using Node = QueueNode<T>;
  using Pool = WorkerPool<Node>;

  explicit PooledQueue(Pool& pool) : pool_(&pool) {}
  ~PooledQueue() { clear(); }
  PooledQueue(const PooledQueue&) = delete;
  PooledQueue& operator=(const PooledQueue&) = delete;

  // A new last entry, as the pool's last give_back() left it: the caller assigns every field it reads.
  T& push_back() {
    Node* node = pool_->take();
    node->next = nullptr;
    if (tail_ == nullptr) head_ = node;
    else tail_->next = node;
    tail_ = node;
    ++size_;
    return node->value;
  }
  T& front() { return head_->value; }
  const T& front() const { return head_->value; }
  void pop_front() {
    Node* node = head_;
    head_ = node->next;
    if (head_ == nullptr) tail_ = nullptr;
    --size_;
    pool_->give_back(node);
  }
  void clear() {
    while (head_ != nullptr) pop_front();
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Front to back.
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Node* node = head_; node != nullptr; node = node->next) visit(node->value);
  }
  // The first entry `match` accepts, or nullptr.
  template <class Match>
  T* find_if(Match&& match) {
    for (Node* node = head_; node != nullptr; node = node->next) {
      if (match(node->value)) return &node->value;
    }
    return nullptr;
  }
  // Gives back every entry `remove` accepts; the others keep their order.
  template <class Remove>
  void erase_if(Remove&& remove) {
    Node* before = nullptr;
    for (Node* node = head_; node != nullptr;) {
      Node* after = node->next;
      if (remove(node->value)) {
        if (before == nullptr) head_ = after;
        else before->next = after;
        if (tail_ == node) tail_ = before;
        --size_;
        pool_->give_back(node);
      } else {
        before = node;
      }
      node = after;
    }
  }

 private:
  Pool* pool_;
  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  std::size_t size_ = 0;
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
