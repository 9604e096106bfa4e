#pragma once
// Byte spans and a bounds-checked reader over them. Every parser reads untrusted bytes through
// ByteReader: a read past the end never touches memory, it sets the reader's failed flag and
// returns zero, so a parser checks `ok()` once after a group of reads instead of before each one.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace spanwatch::core {

using Bytes = std::span<const std::uint8_t>;

inline std::string_view as_chars(Bytes bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
inline Bytes as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

class ByteReader {
 public:
  explicit ByteReader(Bytes bytes) : bytes_(bytes) {}

  bool ok() const { return !failed_; }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  bool empty() const { return remaining() == 0; }
  Bytes rest() const { return bytes_.subspan(offset_); }
  Bytes whole() const { return bytes_; }

  std::uint8_t u8() { return static_cast<std::uint8_t>(read_be(1)); }
  std::uint16_t be16() { return static_cast<std::uint16_t>(read_be(2)); }
  std::uint32_t be24() { return static_cast<std::uint32_t>(read_be(3)); }
  std::uint32_t be32() { return static_cast<std::uint32_t>(read_be(4)); }
  std::uint64_t be64() { return read_be(8); }
  std::uint16_t le16() { return static_cast<std::uint16_t>(read_le(2)); }
  std::uint32_t le32() { return static_cast<std::uint32_t>(read_le(4)); }
  std::uint64_t le64() { return read_le(8); }

  // A view of the next n bytes (valid as long as the underlying buffer), or empty on failure.
  Bytes take(std::size_t n) {
    if (!reserve(n)) return {};
    Bytes out = bytes_.subspan(offset_, n);
    offset_ += n;
    return out;
  }
  bool skip(std::size_t n) { return take(n).size() == n && ok(); }
  bool seek(std::size_t absolute) {
    if (absolute > bytes_.size()) {
      failed_ = true;
      return false;
    }
    offset_ = absolute;
    return true;
  }

 private:
  bool reserve(std::size_t n) {
    if (failed_ || n > remaining()) {
      failed_ = true;
      return false;
    }
    return true;
  }
  std::uint64_t read_be(std::size_t n) {
    if (!reserve(n)) return 0;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < n; ++i) value = (value << 8) | bytes_[offset_ + i];
    offset_ += n;
    return value;
  }
  std::uint64_t read_le(std::size_t n) {
    if (!reserve(n)) return 0;
    std::uint64_t value = 0;
    for (std::size_t i = n; i-- > 0;) value = (value << 8) | bytes_[offset_ + i];
    offset_ += n;
    return value;
  }

  Bytes bytes_;
  std::size_t offset_ = 0;
  bool failed_ = false;
};

// Unchecked loads for code that has already validated the length (decoders on the hot path).
inline std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace spanwatch::core
