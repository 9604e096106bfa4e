#pragma once
// Shared helpers for the decode tests: frames from tests/support/packet_builder.hpp wrapped as
// PacketViews, and the usual addresses.
#include <string>

#include "core/packet_view.hpp"
#include "decode/decoder.hpp"
#include "support/packet_builder.hpp"

namespace spanwatch::decode::test {

using testing::Address;
using testing::Frame;

inline const Address client4 = Address::v4(192, 0, 2, 10);
inline const Address server4 = Address::v4(198, 51, 100, 20);
inline const Address client6 = Address::v6_simple(0x2001, 0x10);
inline const Address server6 = Address::v6_simple(0x2001, 0x20);

inline core::PacketView view_of(const Frame& frame, int link = linktype::en10mb, std::int64_t seconds = 1000) {
  core::PacketView view;
  view.ts = core::Timestamp{seconds, 0};
  view.caplen = static_cast<std::uint32_t>(frame.size());
  view.wirelen = static_cast<std::uint32_t>(frame.size());
  view.linktype = link;
  view.data = {frame.data(), frame.size()};
  return view;
}

// Decodes a copy of `frame` kept until the next call, as the capture layer keeps a packet until the
// next one is read: DecodedPacket spans stay valid for the checks that follow.
inline DecodeResult decode_kept(Decoder& decoder, DecodedPacket& out, const Frame& frame,
                                int link = linktype::en10mb, std::int64_t seconds = 1000) {
  static Frame kept;
  kept = frame;
  return decoder.decode(view_of(kept, link, seconds), out);
}

inline std::string text_of(core::Bytes bytes) { return std::string(core::as_chars(bytes)); }

inline Frame pattern(std::size_t size, std::uint8_t seed = 3) {
  Frame out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 7 + seed);
  return out;
}

inline Frame concat(const Frame& a, const Frame& b) {
  Frame out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace spanwatch::decode::test
