#pragma once
// One captured frame as libpcap handed it over: a view into libpcap's buffer, valid only until the
// next packet is read. Nothing on the packet path copies it. It lives in core (not capture) because
// decode consumes it and must not depend on libpcap.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::core {

struct PacketView {
  // How many packets on the frame in `ahead` is (capture::FileLookahead): far enough that a cache
  // miss started for it has ended when it comes (a packet takes the sensor about half a
  // microsecond), near enough to be in the read buffer already.
  static constexpr unsigned ahead_distance = 16;

  Timestamp ts;
  std::uint32_t caplen = 0;   // bytes captured (== data.size())
  std::uint32_t wirelen = 0;  // bytes on the wire
  int linktype = 0;           // DLT_* of the source
  std::uint16_t source = 0;   // index of the capture source (interface or file) it came from
  Bytes data;
  // The frame ahead_distance packets later in the same file when the source holds it already
  // (offline classic pcap), else empty: only for prefetching that packet's flow state, never
  // processed from here (it comes again in its own turn).
  Bytes ahead;
};

}  // namespace spanwatch::core
