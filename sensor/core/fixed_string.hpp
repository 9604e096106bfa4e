#pragma once
// A string of at most N bytes stored inline: for fields copied out of packets into bounded state
// (user names, server names) without touching the heap. Longer input is truncated and says so.
// The buffer is left uninitialised (only [0, size) is ever read): parsers hold many of these in
// pools preallocated at start-up, and zero-filling them would fault in every page up front.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace spanwatch::core {

template <std::size_t N>
class FixedString {
 public:
  FixedString() noexcept {}  // user-provided: even `FixedString{}` does not zero the buffer
  explicit FixedString(std::string_view text) { assign(text); }

  void assign(std::string_view text) {
    size_ = std::min(text.size(), N);
    truncated_ = text.size() > N;
    if (size_ != 0) std::memcpy(data_, text.data(), size_);  // text.data() may be null when empty
  }
  void clear() {
    size_ = 0;
    truncated_ = false;
  }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool truncated() const { return truncated_; }
  static constexpr std::size_t capacity() { return N; }

  bool operator==(const FixedString& other) const { return view() == other.view(); }

 private:
  unsigned char data_[N];  // unsigned char: copying indeterminate bytes is well defined
  std::size_t size_ = 0;
  bool truncated_ = false;
};

}  // namespace spanwatch::core
