#pragma once
// Lists copied out of one hello (or a certificate's fields) into bytes sized to what was sent: an
// inline buffer while they fit, else a block from the worker's pools — a small one for most, a
// block of the largest size the options allow for the rest. A parser in flight then holds what it
// was sent rather than the capacity of every list. Lists of 16-bit values are appended before byte
// lists, so nothing needs padding.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "proto/worker_pool.hpp"

namespace spanwatch::proto::tls {

// Where one list sits in a PackedLists: offset in bytes, length in elements.
struct PackedSlice {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

// The blocks of one worker's PackedLists, in two sizes (each block an empty vector with its
// capacity reserved). Small blocks are dense (a few per page) and hold nearly everything: a
// certificate's packed fields (59 real ones in the test corpus: median 313 bytes, at most 765) and
// hellos a little over their inline storage. The worst case costs only those that need it.
struct PackedBlockPools {
  using Pool = proto::WorkerPool<std::vector<std::uint8_t>>;
  // `large_bytes`: the most any holder can need; `preallocated` blocks of each size built at once.
  PackedBlockPools(std::size_t large_bytes, std::size_t preallocated)
      : small(reserved_vectors<std::uint8_t>(small_bytes), preallocated),
        large(reserved_vectors<std::uint8_t>(large_bytes), preallocated),
        large_bytes(large_bytes) {}

  static constexpr std::size_t small_bytes = 1024;
  Pool small;
  Pool large;
  std::size_t large_bytes;
};

template <std::size_t InlineBytes>
class PackedLists {
 public:
  PackedLists() noexcept {}  // the inline buffer is not zeroed: only [0, used_) is ever read
  ~PackedLists() { clear(); }
  PackedLists(const PackedLists&) = delete;
  PackedLists& operator=(const PackedLists&) = delete;

  // Empties the lists to make room for `bytes` (at most pools.large_bytes): inline if they fit, else
  // in a block of the smallest size that holds them. A block no longer needed goes back.
  void start(std::size_t bytes, PackedBlockPools& pools) {
    used_ = 0;
    PackedBlockPools::Pool* const pool = bytes <= InlineBytes                     ? nullptr
                                         : bytes <= PackedBlockPools::small_bytes ? &pools.small
                                                                                  : &pools.large;
    if (pool != pool_) {
      clear();
      if (pool != nullptr) block_ = pool->take();
      pool_ = pool;
    }
    if (block_ != nullptr) block_->resize(bytes);  // within the reserved capacity: no allocation
  }
  void clear() {
    used_ = 0;
    if (block_ == nullptr) return;
    block_->clear();
    pool_->give_back(block_);
    block_ = nullptr;
    pool_ = nullptr;
  }

  // Copies `values` after the lists appended so far; start() made room for them.
  template <class T>
  PackedSlice append(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= alignof(std::uint16_t));
    const std::size_t bytes = values.size_bytes();
    if (bytes > capacity() - used_ || used_ % alignof(T) != 0) return {};  // never with start()'s sizes
    const PackedSlice slice{static_cast<std::uint32_t>(used_), static_cast<std::uint32_t>(values.size())};
    if (bytes != 0) std::memcpy(data() + used_, values.data(), bytes);
    used_ += bytes;
    return slice;
  }
  template <class T>
  std::span<const T> view(PackedSlice slice) const {
    if (slice.length == 0) return {};
    return {reinterpret_cast<const T*>(data() + slice.offset), slice.length};
  }
  // Everything appended since start().
  std::span<const std::uint8_t> bytes() const { return {data(), used_}; }

 private:
  std::size_t capacity() const { return block_ != nullptr ? block_->size() : InlineBytes; }
  std::uint8_t* data() { return block_ != nullptr ? block_->data() : inline_.data(); }
  const std::uint8_t* data() const { return block_ != nullptr ? block_->data() : inline_.data(); }

  alignas(std::uint16_t) std::array<std::uint8_t, InlineBytes> inline_;
  std::vector<std::uint8_t>* block_ = nullptr;
  PackedBlockPools::Pool* pool_ = nullptr;  // where block_ came from
  std::size_t used_ = 0;
};

}  // namespace spanwatch::proto::tls
