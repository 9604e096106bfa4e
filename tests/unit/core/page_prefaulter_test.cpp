#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

#include "core/page_memory.hpp"
#include "core/page_prefaulter.hpp"

using spanwatch::core::PageMemory;

namespace {

// Resident pages of [address, address + bytes), from mincore().
std::size_t resident_pages(void* address, std::size_t bytes) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> flags((bytes + page - 1) / page);
  REQUIRE(::mincore(address, bytes, flags.data()) == 0);
  std::size_t resident = 0;
  for (unsigned char f : flags) resident += f & 1;
  return resident;
}

bool kernel_can_populate() {
  PageMemory probe(4096);
  return ::madvise(probe.data(), 4096, MADV_POPULATE_WRITE) == 0 || errno != EINVAL;
}

}  // namespace

TEST_CASE("Memory used front to back has the step after its use faulted in by the background thread") {
  if (!kernel_can_populate()) {
    WARN("this kernel has no MADV_POPULATE_WRITE (Linux 5.14): nothing to test");
    return;
  }
  const std::size_t step = PageMemory::prefault_step;
  PageMemory memory(step * 4);
  auto* bytes = static_cast<unsigned char*>(memory.data());
  CHECK(resident_pages(bytes, step * 4) == 0);

  // Using the first byte asks for the bytes up to a whole step past it: the first two steps.
  memory.prefault_ahead(1);
  const std::size_t wanted = 2 * step / static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (resident_pages(bytes, 2 * step) < wanted && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(resident_pages(bytes, 2 * step) == wanted);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(resident_pages(bytes + 2 * step, 2 * step) == 0);
  // Populating wrote nothing: the memory still reads zero.
  CHECK(bytes[0] == 0);
  CHECK(bytes[step - 1] == 0);
}
