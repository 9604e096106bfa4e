#pragma once
// Base64 (RFC 4648) decoding for SASL responses, on OpenSSL's EVP_DecodeBlock: strict (length a
// multiple of 4, no characters outside the alphabet), padding bytes removed from the result.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace spanwatch::proto::pop3 {

// Decodes `text` into `out`; nullopt if it is not base64 or `out` is too small (3 bytes per 4 in).
std::optional<std::string_view> decode_base64(std::string_view text, std::span<std::uint8_t> out);

}  // namespace spanwatch::proto::pop3
