#pragma once
// A failed oracle in a fuzz target: print why and abort, which libFuzzer (and the replay main's
// CTest run) reports as a crash with the input that caused it.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace spanwatch::fuzz {

[[noreturn]] inline void fuzz_fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz oracle failed: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// Reads every byte of a view a parser handed out, so ASan checks it points at live memory; the sum
// goes to a volatile so the reads are not optimised away.
inline volatile unsigned touched_sum = 0;
inline void touch(core::Bytes bytes) {
  unsigned sum = 0;
  for (std::uint8_t b : bytes) sum += b;
  touched_sum = touched_sum + sum;
}
inline void touch(std::string_view text) { touch(core::as_bytes(text)); }

}  // namespace spanwatch::fuzz
