#pragma once
// A fixed-capacity array whose memory is reserved at construction but costs nothing until used:
// anonymous pages the kernel zero-fills on first touch, with elements constructed one by one, in
// index order, when the owner first needs them. A 200 k-entry table that sees 10 k flows then
// faults 10 k entries' pages, not all of them (value-initialising a std::vector touched every page
// at start-up, which dominated short runs). Not thread-safe; never reallocates, so references stay
// valid for the array's lifetime. Filled front to back, it asks for huge pages and has the next ones
// faulted in ahead of use (core::PageMemory).
#include <cstddef>
#include <new>
#include <utility>

#include "core/page_memory.hpp"

namespace spanwatch::flow {

template <class T>
class LazyArray {
 public:
  explicit LazyArray(std::size_t capacity)
      : memory_(capacity * sizeof(T)),
        data_(static_cast<T*>(memory_.data())),
        capacity_(capacity) {}
  LazyArray(const LazyArray&) = delete;
  LazyArray& operator=(const LazyArray&) = delete;
  ~LazyArray() {
    for (std::size_t i = constructed_; i-- > 0;) data_[i].~T();
  }

  // Constructs the next element (index constructed() before the call); the caller checks
  // constructed() < capacity() first.
  template <class... Args>
  T& construct_next(Args&&... args) {
    memory_.prefault_ahead((constructed_ + 1) * sizeof(T));
    T* element = ::new (static_cast<void*>(data_ + constructed_)) T(std::forward<Args>(args)...);
    ++constructed_;
    return *element;
  }

  // Only elements below constructed() may be accessed.
  T& operator[](std::size_t index) { return data_[index]; }
  const T& operator[](std::size_t index) const { return data_[index]; }

  std::size_t capacity() const { return capacity_; }
  std::size_t constructed() const { return constructed_; }
  bool full() const { return constructed_ == capacity_; }
  // Bytes reserved (address space), of which only the pages of constructed elements are resident.
  std::size_t bytes() const { return capacity_ * sizeof(T); }

 private:
  core::PageMemory memory_;
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t constructed_ = 0;
};

}  // namespace spanwatch::flow
