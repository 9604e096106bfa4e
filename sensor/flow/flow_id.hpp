#pragma once
// Flow ids: unique within a run, below 2^53 (so JSON readers that hold numbers as doubles, such as
// JavaScript dashboards, read them exactly), and not guessable from the flow count. A counter plus a
// per-run random offset goes through a bijection of 53-bit values, so two flows can never share an
// id until 2^53 flows have been made.
#include <cstdint>

namespace spanwatch::flow {

class FlowIdGenerator {
 public:
  explicit FlowIdGenerator(std::uint64_t seed) : offset_(seed) {}

  std::uint64_t next() {
    for (;;) {
      const std::uint64_t id = permute(offset_ + counter_++);
      if (id != 0) return id;  // 0 means "no id" in EVE; skip it
    }
  }

 private:
  static constexpr std::uint64_t mask = (std::uint64_t{1} << 53) - 1;
  // Each step (xor with a right shift, multiply by an odd constant, both mod 2^53) is invertible.
  static std::uint64_t permute(std::uint64_t x) {
    x &= mask;
    x ^= x >> 31;
    x = (x * 0x7fb5d329728ea185ull) & mask;
    x ^= x >> 27;
    x = (x * 0x81dadef4bc2dd44dull) & mask;
    x ^= x >> 33;
    return x;
  }

  std::uint64_t offset_;
  std::uint64_t counter_ = 0;
};

}  // namespace spanwatch::flow
