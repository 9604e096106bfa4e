// Packet decode with defragmentation. Input: one byte choosing the link type, then frames, each a
// be16 length and that many bytes. Each frame is a heap copy of exactly its size (a read past it is
// caught); captured one second after the previous one, with expiry every 8 frames so trackers also
// time out. Small defragmentation limits so the fuzzer reaches them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/packet_view.hpp"
#include "decode/decoder.hpp"
#include "fuzz_check.hpp"
#include "fuzz_input.hpp"

namespace {

using namespace spanwatch;

constexpr std::array<int, 8> link_types = {decode::linktype::en10mb,    decode::linktype::linux_sll,
                                           decode::linktype::raw,       decode::linktype::linux_sll2,
                                           decode::linktype::null,      decode::linktype::loop,
                                           decode::linktype::ipv4,      decode::linktype::ipv6};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput in(data, size);
  const int link = link_types[in.u8() % link_types.size()];
  decode::DecodeOptions options;
  options.defrag.max_trackers = 4;
  options.defrag.max_fragments_per_datagram = 8;
  options.defrag.memcap_bytes = 256 * 1024;
  options.defrag.timeout_seconds = 4;
  decode::Decoder decoder(options);
  decode::DecodedPacket out;
  std::int64_t second = 1000;
  unsigned frames = 0;
  while (!in.empty()) {
    const core::Bytes bytes = in.take(in.be16());
    const std::vector<std::uint8_t> frame(bytes.begin(), bytes.end());
    core::PacketView view;
    view.ts = core::Timestamp{++second, 0};
    view.caplen = static_cast<std::uint32_t>(frame.size());
    view.wirelen = view.caplen;
    view.linktype = link;
    view.data = core::Bytes(frame.data(), frame.size());
    const decode::DecodeResult result = decoder.decode(view, out);
    if (result.status == decode::DecodeStatus::ok) {
      fuzz::touch(out.payload);
      if (!out.reassembled && !out.payload.empty() &&
          (out.payload.data() < frame.data() || out.payload.data() + out.payload.size() > frame.data() + frame.size()))
        fuzz::fuzz_fail("the payload of a packet that was not reassembled lies outside its frame");
    }
    if (++frames % 8 == 0) decoder.expire(view.ts);
  }
  return 0;
}
