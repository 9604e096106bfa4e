#pragma once
// Heap-allocation counting for the allocation tests. A test binary that links the
// spanwatch_allocation_counter library (tests/support/CMakeLists.txt) has every global operator new
// replaced by the counting one in allocation_counter.cpp; tests compare the count before and after
// the code they measure.
#include <cstdint>

namespace spanwatch::testing {

// Global operator new calls (every form: plain, array, nothrow, aligned) so far in this binary.
std::uint64_t heap_allocations();

}  // namespace spanwatch::testing
