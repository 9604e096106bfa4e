#pragma once
// Counters indexed by an enum whose last member is `count_`: one per anomaly or drop reason, so
// every limit and malformation is counted under its own name.
#include <array>
#include <cstddef>
#include <cstdint>

namespace spanwatch::core {

template <class Enum>
class EnumCounters {
 public:
  static constexpr std::size_t size = static_cast<std::size_t>(Enum::count_);

  void add(Enum e, std::uint64_t n = 1) { values_[static_cast<std::size_t>(e)] += n; }
  std::uint64_t operator[](Enum e) const { return values_[static_cast<std::size_t>(e)]; }
  std::uint64_t total() const {
    std::uint64_t sum = 0;
    for (auto v : values_) sum += v;
    return sum;
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < size; ++i) fn(static_cast<Enum>(i), values_[i]);
  }

 private:
  std::array<std::uint64_t, size> values_{};
};

}  // namespace spanwatch::core
