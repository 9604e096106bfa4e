#pragma once
// splitmix64: a fixed, portable PRNG so a seed gives the same capture on every machine and library
// (std::uniform_*_distribution is implementation-defined, so it is not used).
#include <cstdint>

namespace spanwatch::tools {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t next32() { return static_cast<std::uint32_t>(next() >> 32); }
  // Uniform in [0, n) (n > 0); the modulo bias is irrelevant for traffic shapes.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  // Uniform in [low, high].
  std::uint64_t between(std::uint64_t low, std::uint64_t high) { return low + below(high - low + 1); }
  // True with probability per_million / 1e6.
  bool chance(std::uint32_t per_million) { return below(1000000) < per_million; }
  template <class Array>
  void fill(Array& bytes) {
    for (auto& b : bytes) b = static_cast<std::uint8_t>(next());
  }

 private:
  std::uint64_t state_;
};

}  // namespace spanwatch::tools
