#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "core/page_memory.hpp"

using spanwatch::core::PageMemory;

TEST_CASE("Page memory is zero everywhere until written, and writable to its last byte") {
  const std::size_t bytes = GENERATE(std::size_t{1}, std::size_t{4096 * 3 + 7}, (std::size_t{2} << 20) * 3 + 12345);
  CAPTURE(bytes);
  PageMemory memory(bytes);
  REQUIRE(memory.bytes() == bytes);
  auto* data = static_cast<unsigned char*>(memory.data());
  REQUIRE(data != nullptr);
  CHECK(std::all_of(data, data + bytes, [](unsigned char b) { return b == 0; }));
  data[bytes - 1] = 2;
  CHECK(data[bytes - 1] == 2);
  data[0] = 1;
  CHECK(data[0] == 1);
}

TEST_CASE("Page memory of 2 MiB or more starts on a 2 MiB boundary, where huge pages can back it") {
  PageMemory memory(std::size_t{5} << 20);
  CHECK(reinterpret_cast<std::uintptr_t>(memory.data()) % (std::size_t{2} << 20) == 0);
}

TEST_CASE("Empty page memory holds nothing; moving page memory hands over the same bytes") {
  PageMemory empty(0);
  CHECK(empty.data() == nullptr);
  CHECK(empty.bytes() == 0);

  PageMemory first(10000);
  static_cast<char*>(first.data())[9999] = 'x';
  void* const address = first.data();
  PageMemory second(std::move(first));
  CHECK(second.data() == address);
  CHECK(second.bytes() == 10000);
  CHECK(first.data() == nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  PageMemory third(5);
  third = std::move(second);
  CHECK(third.data() == address);
  CHECK(static_cast<char*>(third.data())[9999] == 'x');
}
