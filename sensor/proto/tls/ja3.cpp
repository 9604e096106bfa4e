#include "proto/tls/ja3.hpp"


#include <charconv>

#include "proto/tls/versions.hpp"
#include "core/digest.hpp"

namespace spanwatch::proto::tls {

void Fingerprint::append(std::string_view s) {
  if (s.size() > capacity - length_) {
    truncated_ = true;
    return;
  }
  s.copy(text_.data() + length_, s.size());
  length_ += s.size();
}

void Fingerprint::append_number(unsigned value) {
  std::array<char, 12> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  append({digits.data(), static_cast<std::size_t>(end - digits.data())});
}

template <class T>
void Fingerprint::append_list(std::span<const T> values) {
  bool first = true;
  for (const T v : values) {
    if constexpr (sizeof(T) == 2) {
      if (is_grease(v)) continue;
    }
    if (!first) append("-");
    append_number(v);
    first = false;
  }
}

void Fingerprint::finish() {
  unsigned char digest[core::md5_size];
  const unsigned digest_length = core::md5_size;
  hash_length_ = 0;
  if (!core::md5(text_.data(), length_, digest)) return;
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < digest_length && hash_length_ + 2 <= hash_.size(); ++i) {
    hash_[hash_length_++] = hex[digest[i] >> 4];
    hash_[hash_length_++] = hex[digest[i] & 0x0f];
  }
}

void Fingerprint::make_ja3(std::uint16_t version, std::span<const std::uint16_t> ciphers,
                           std::span<const std::uint16_t> extensions, std::span<const std::uint16_t> groups,
                           std::span<const std::uint8_t> point_formats) {
  clear();
  append_number(version);
  append(",");
  append_list(ciphers);
  append(",");
  append_list(extensions);
  append(",");
  append_list(groups);
  append(",");
  append_list(point_formats);
  finish();
}

void Fingerprint::make_ja3s(std::uint16_t version, std::uint16_t cipher, std::span<const std::uint16_t> extensions) {
  clear();
  append_number(version);
  append(",");
  append_number(cipher);
  append(",");
  append_list(extensions);
  finish();
}

}  // namespace spanwatch::proto::tls
