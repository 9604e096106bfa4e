#include "proto/smb/der.hpp"

namespace spanwatch::proto::smb {

std::optional<DerElement> DerReader::next() {
  if (failed_ || empty()) return std::nullopt;
  core::ByteReader reader(bytes_.subspan(offset_));
  const std::uint8_t tag = reader.u8();
  // High tag numbers (0x1f) do not occur in SPNEGO or Kerberos messages: refuse them.
  if ((tag & 0x1f) == 0x1f) {
    failed_ = true;
    return std::nullopt;
  }
  const std::uint8_t first = reader.u8();
  std::uint64_t length = first;
  if (first & 0x80) {
    const unsigned count = first & 0x7f;
    if (count == 0 || count > 4) {  // indefinite or absurd lengths
      failed_ = true;
      return std::nullopt;
    }
    length = 0;
    for (unsigned i = 0; i < count; ++i) length = (length << 8) | reader.u8();
  }
  if (!reader.ok() || length > reader.remaining()) {
    failed_ = true;
    return std::nullopt;
  }
  const core::Bytes value = reader.take(static_cast<std::size_t>(length));
  offset_ += reader.offset();
  return DerElement{tag, value};
}

std::optional<DerElement> DerReader::next_if(std::uint8_t tag) {
  if (failed_ || empty() || bytes_[offset_] != tag) return std::nullopt;
  return next();
}

std::optional<core::Bytes> DerReader::find(std::uint8_t tag) {
  while (auto element = next()) {
    if (element->tag == tag) return element->value;
  }
  return std::nullopt;
}

std::optional<std::int64_t> der_small_integer(core::Bytes value) {
  if (value.empty() || value.size() > 4) return std::nullopt;
  std::int64_t result = (value[0] & 0x80) ? -1 : 0;
  for (const std::uint8_t byte : value) result = (result << 8) | byte;
  return result;
}

}  // namespace spanwatch::proto::smb
