#pragma once
// A bounded DER reader for the GSS-API/SPNEGO/Kerberos structures SMB carries (X.690 definite
// lengths only). Reads tag-length-value elements one after another from a span; every length is
// checked against what remains, so malformed input ends the read (failed()) and never overruns.
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"

namespace spanwatch::proto::smb {

namespace der_tag {
constexpr std::uint8_t integer = 0x02, bit_string = 0x03, octet_string = 0x04, oid = 0x06, enumerated = 0x0a,
                       general_string = 0x1b, sequence = 0x30, application_0 = 0x60, context_0 = 0xa0;
constexpr std::uint8_t context(unsigned n) { return static_cast<std::uint8_t>(context_0 + n); }
constexpr std::uint8_t application(unsigned n) { return static_cast<std::uint8_t>(application_0 + n); }
}  // namespace der_tag

struct DerElement {
  std::uint8_t tag = 0;
  core::Bytes value;  // a view into the reader's input
};

class DerReader {
 public:
  explicit DerReader(core::Bytes bytes) : bytes_(bytes) {}

  // The next element, or nullopt at the end or on malformed input (then failed() is true).
  std::optional<DerElement> next();
  // The next element if it has `tag`; otherwise nothing is consumed.
  std::optional<DerElement> next_if(std::uint8_t tag);
  // The value of the first following element with `tag` (skipping others), or nullopt.
  std::optional<core::Bytes> find(std::uint8_t tag);

  bool failed() const { return failed_; }
  bool empty() const { return offset_ >= bytes_.size(); }
  core::Bytes rest() const { return bytes_.subspan(offset_); }

 private:
  core::Bytes bytes_;
  std::size_t offset_ = 0;
  bool failed_ = false;
};

// The value of a DER INTEGER or ENUMERATED of at most 4 bytes, or nullopt.
std::optional<std::int64_t> der_small_integer(core::Bytes value);

}  // namespace spanwatch::proto::smb
