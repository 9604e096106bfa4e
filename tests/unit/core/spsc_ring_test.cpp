#include <catch2/catch.hpp>

#include <thread>

#include "core/spsc_ring.hpp"

using spanwatch::core::SpscRing;

TEST_CASE("SpscRing refuses items when full instead of blocking") {
  SpscRing<int> ring(4);
  for (int i = 0; i < 4; ++i) CHECK(ring.push(i));
  CHECK_FALSE(ring.push(99));
  CHECK(ring.pop() == 0);
  CHECK(ring.push(4));
  for (int i = 1; i <= 4; ++i) CHECK(ring.pop() == i);
  CHECK_FALSE(ring.pop());
}

TEST_CASE("SpscRing hands every item across threads in order") {
  SpscRing<int> ring(64);
  constexpr int n = 200000;
  std::thread producer([&] {
    for (int i = 0; i < n; ++i)
      while (!ring.push(i)) std::this_thread::yield();
  });
  int expected = 0;
  while (expected < n) {
    if (auto v = ring.pop()) {
      REQUIRE(*v == expected);
      ++expected;
    }
  }
  producer.join();
}
