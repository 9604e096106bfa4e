#include "capture/file_lookahead.hpp"

#include <cstring>

namespace spanwatch::capture {
namespace {

constexpr std::size_t record_header = 16;  // ts_sec, ts_subsec, incl_len, orig_len
constexpr std::uint32_t magic_microseconds = 0xa1b2c3d4u;
constexpr std::uint32_t magic_nanoseconds = 0xa1b23c4du;

}  // namespace

std::optional<FileLookahead> FileLookahead::for_magic(const unsigned char (&magic)[4]) {
  std::uint32_t native;
  std::memcpy(&native, magic, sizeof native);
  if (native == magic_microseconds || native == magic_nanoseconds) return FileLookahead(false);
  const std::uint32_t swapped = __builtin_bswap32(native);
  if (swapped == magic_microseconds || swapped == magic_nanoseconds) return FileLookahead(true);
  return std::nullopt;
}

std::uint32_t FileLookahead::caplen_at(const std::uint8_t* record) const {
  std::uint32_t caplen;
  std::memcpy(&caplen, record + 8, sizeof caplen);
  return swapped_ ? __builtin_bswap32(caplen) : caplen;
}

core::Bytes FileLookahead::frame_ahead(const std::uint8_t* unread, const std::uint8_t* end) {
  // One packet was delivered since the last call: the cursor is one record nearer. The next
  // record starts at `unread`, so ahead_ == 1 means cursor_ == unread.
  if (ahead_ > 0) --ahead_;
  if (ahead_ == 0 || unread < last_unread_ || cursor_ < unread || cursor_ > end) {
    cursor_ = unread;
    ahead_ = 1;
  }
  last_unread_ = unread;
  // Only whole records are stepped over, so the cursor never leaves [unread, end].
  for (;;) {
    if (static_cast<std::size_t>(end - cursor_) < record_header) return {};
    const std::uint32_t caplen = caplen_at(cursor_);
    if (static_cast<std::size_t>(end - cursor_) - record_header < caplen) return {};
    if (ahead_ == distance) return core::Bytes(cursor_ + record_header, caplen);
    cursor_ += record_header + caplen;
    ++ahead_;
  }
}

}  // namespace spanwatch::capture
