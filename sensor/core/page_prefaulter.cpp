#include "core/page_prefaulter.hpp"

#include <sys/mman.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace spanwatch::core {
namespace {

class Prefaulter {
 public:
  Prefaulter() { std::thread([this] { run(); }).detach(); }

  void request(void* address, std::size_t bytes) {
    {
      std::lock_guard lock(mutex_);
      if (unsupported_ || queued_ == queue_.size()) return;
      queue_[(first_ + queued_) % queue_.size()] = {address, bytes};
      ++queued_;
    }
    ready_.notify_one();
  }

 private:
  struct Request {
    void* address = nullptr;
    std::size_t bytes = 0;
  };

  void run() {
    for (;;) {
      Request next;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return queued_ > 0; });
        next = queue_[first_];
        first_ = (first_ + 1) % queue_.size();
        --queued_;
      }
      if (::madvise(next.address, next.bytes, MADV_POPULATE_WRITE) != 0 && errno == EINVAL) {
        // A kernel before 5.14 (or an unaligned request, which callers never make): stop asking.
        std::lock_guard lock(mutex_);
        unsupported_ = true;
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::array<Request, 64> queue_{};
  std::size_t first_ = 0;
  std::size_t queued_ = 0;
  bool unsupported_ = false;
};

Prefaulter& prefaulter() {
  // Never destroyed: the thread serves until the process ends, and no exit-time destructor has to
  // join a thread that a fork left behind.
  static Prefaulter* const instance = new Prefaulter;
  return *instance;
}

}  // namespace

void start_prefaulter() { prefaulter(); }

void prefault_async(void* address, std::size_t bytes) { prefaulter().request(address, bytes); }

}  // namespace spanwatch::core
