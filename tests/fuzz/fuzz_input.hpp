#pragma once
// Reading a fuzzer's input from the front. Reads past the end return zeros / short views, so every
// byte string is a valid input (libFuzzer mutates blindly) and a truncated record still runs.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/bytes.hpp"

namespace spanwatch::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : bytes_(data, size) {}
  explicit FuzzInput(core::Bytes bytes) : bytes_(bytes) {}

  bool empty() const { return offset_ >= bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - offset_; }

  std::uint8_t u8() { return empty() ? 0 : bytes_[offset_++]; }
  std::uint16_t be16() {
    const std::uint16_t high = u8();
    return static_cast<std::uint16_t>(high << 8 | u8());
  }
  std::uint32_t be32() {
    const std::uint32_t high = be16();
    return high << 16 | be16();
  }
  // Up to n bytes (fewer at the end of the input).
  core::Bytes take(std::size_t n) {
    const std::size_t size = std::min(n, remaining());
    const core::Bytes out = bytes_.subspan(offset_, size);
    offset_ += size;
    return out;
  }
  core::Bytes rest() { return take(remaining()); }

 private:
  core::Bytes bytes_;
  std::size_t offset_ = 0;
};

}  // namespace spanwatch::fuzz
