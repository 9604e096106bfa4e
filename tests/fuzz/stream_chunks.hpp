#pragma once
// The input format of the stream-parser targets (ftp, pop3, smb, tls): what reassembly would hand a
// dissector, as a list of chunks. Each chunk starts with a control byte:
//   bit 0     direction: 0 = to_server (client bytes), 1 = to_client
//   bits 1-2  3 = a gap (be16 length follows: bytes lost); otherwise data (be16 length, then bytes)
// The seed generator writes conversations with encode_*; the targets read them with next_chunk.
#include <cstdint>
#include <vector>

#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "fuzz_input.hpp"

namespace spanwatch::fuzz {

struct StreamChunk {
  core::Direction direction = core::Direction::to_server;
  bool gap = false;
  std::uint64_t gap_length = 0;
  core::Bytes bytes;
};

inline StreamChunk next_chunk(FuzzInput& in) {
  const std::uint8_t control = in.u8();
  StreamChunk chunk;
  chunk.direction = (control & 1) ? core::Direction::to_client : core::Direction::to_server;
  chunk.gap = ((control >> 1) & 3) == 3;
  const std::uint16_t length = in.be16();
  if (chunk.gap) {
    chunk.gap_length = length;
  } else {
    chunk.bytes = in.take(length);
  }
  return chunk;
}

// Appends `bytes` as data chunks of at most 65535 bytes (or `piece` bytes, to split messages).
inline void encode_data(std::vector<std::uint8_t>& out, core::Direction direction, core::Bytes bytes,
                        std::size_t piece = 65535) {
  for (std::size_t at = 0; at < bytes.size() || (at == 0 && bytes.empty()); at += piece) {
    const std::size_t size = std::min(piece, bytes.size() - at);
    out.push_back(direction == core::Direction::to_client ? 1 : 0);
    out.push_back(static_cast<std::uint8_t>(size >> 8));
    out.push_back(static_cast<std::uint8_t>(size));
    out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
               bytes.begin() + static_cast<std::ptrdiff_t>(at + size));
    if (bytes.empty()) break;
  }
}

inline void encode_gap(std::vector<std::uint8_t>& out, core::Direction direction, std::uint16_t length) {
  out.push_back(static_cast<std::uint8_t>((direction == core::Direction::to_client ? 1 : 0) | 6));
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
}

}  // namespace spanwatch::fuzz
