#pragma once
// Offline only: the frame a fixed number of packets after the one being delivered, found in the
// file bytes our stdio buffer already holds (libpcap reads a classic pcap record by record through
// it), so the engine can prefetch that packet's flow while it handles this one. Nothing is copied or
// read from the file for it: when the frame is not wholly in the buffer yet, there is none.
#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/packet_view.hpp"

namespace spanwatch::capture {

class FileLookahead {
 public:
  static constexpr unsigned distance = core::PacketView::ahead_distance;

  // For a file whose first four bytes are `magic`: classic pcap (microsecond or nanosecond, either
  // byte order, 16-byte record headers); nullopt for anything else (pcapng, modified pcap).
  static std::optional<FileLookahead> for_magic(const unsigned char (&magic)[4]);

  // Called once per delivered packet with the buffer's unread bytes, which start at the next
  // record: the captured bytes of the record `distance` packets after the delivered one, or empty.
  // Keeps a cursor `distance` records ahead, so a call walks one record header, not sixteen; a
  // refill of the buffer (unread moves back) starts the cursor over.
  core::Bytes frame_ahead(const std::uint8_t* unread, const std::uint8_t* end);

 private:
  explicit FileLookahead(bool swapped) : swapped_(swapped) {}
  std::uint32_t caplen_at(const std::uint8_t* record) const;

  bool swapped_;
  const std::uint8_t* last_unread_ = nullptr;
  const std::uint8_t* cursor_ = nullptr;  // the record `ahead_` after the delivered packet
  unsigned ahead_ = 0;
};

}  // namespace spanwatch::capture
