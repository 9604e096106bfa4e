#pragma once
// A list with a capacity fixed at construction: storage is reserved once, push() past the capacity
// drops the value and remembers that the list was truncated. No allocation after construction.
#include <cstddef>
#include <span>
#include <vector>

namespace spanwatch::proto::tls {

template <class T>
class BoundedList {
 public:
  explicit BoundedList(std::size_t capacity) : capacity_(capacity) { items_.reserve(capacity); }

  bool push(T value) {
    if (items_.size() == capacity_) {
      truncated_ = true;
      return false;
    }
    items_.push_back(value);
    return true;
  }
  void clear() {
    items_.clear();
    truncated_ = false;
  }
  std::span<const T> view() const { return items_; }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  bool truncated() const { return truncated_; }

 private:
  std::size_t capacity_;
  std::vector<T> items_;
  bool truncated_ = false;
};

}  // namespace spanwatch::proto::tls
