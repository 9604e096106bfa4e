#include "proto/pop3/base64.hpp"

#include <openssl/evp.h>

namespace spanwatch::proto::pop3 {

std::optional<std::string_view> decode_base64(std::string_view text, std::span<std::uint8_t> out) {
  if (text.size() % 4 != 0) return std::nullopt;  // truncated (EVP_DecodeBlock would also refuse)
  if (text.size() / 4 * 3 > out.size()) return std::nullopt;
  if (text.empty()) return std::string_view{};
  // EVP_DecodeBlock skips leading/trailing whitespace; SASL allows none.
  if (text.front() == ' ' || text.back() == ' ' || text.front() == '\t' || text.back() == '\t') return std::nullopt;
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the bytes the padding stands for: drop them.
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  if (padding > size) return std::nullopt;
  size -= padding;
  return std::string_view(reinterpret_cast<const char*>(out.data()), size);
}

}  // namespace spanwatch::proto::pop3
