#pragma once
// JA3 and JA3S fingerprints (salesforce/ja3): decimal fields joined by ',' and list entries by '-',
// GREASE values left out, MD5 (OpenSSL) as 32 lower-case hex digits. Built in inline storage.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace spanwatch::proto::tls {

class Fingerprint {
 public:
  static constexpr std::size_t capacity = 8192;

  void clear() {
    length_ = 0;
    hash_length_ = 0;
    truncated_ = false;
  }
  bool empty() const { return length_ == 0; }
  std::string_view text() const { return {text_.data(), length_}; }
  std::string_view hash() const { return {hash_.data(), hash_length_}; }
  bool truncated() const { return truncated_; }

  // JA3: SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
  void make_ja3(std::uint16_t version, std::span<const std::uint16_t> ciphers, std::span<const std::uint16_t> extensions,
                std::span<const std::uint16_t> groups, std::span<const std::uint8_t> point_formats);
  // JA3S: SSLVersion,Cipher,Extensions
  void make_ja3s(std::uint16_t version, std::uint16_t cipher, std::span<const std::uint16_t> extensions);

 private:
  void append(std::string_view s);
  void append_number(unsigned value);
  template <class T>
  void append_list(std::span<const T> values);
  void finish();

  // Not zeroed: only [0, length_) is ever read. A parser pool then faults in the pages a
  // fingerprint's text really uses, not all 8 KiB of each of the two per parser.
  std::array<char, capacity> text_;
  std::size_t length_ = 0;
  std::array<char, 32> hash_{};
  std::size_t hash_length_ = 0;
  bool truncated_ = false;
};

}  // namespace spanwatch::proto::tls
