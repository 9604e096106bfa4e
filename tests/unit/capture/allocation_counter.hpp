#pragma once
#include <cstdint>

namespace spanwatch::capture::test {

// operator new calls so far in this binary (allocation_counter.cpp replaces it).
std::uint64_t allocation_count();

}  // namespace spanwatch::capture::test
