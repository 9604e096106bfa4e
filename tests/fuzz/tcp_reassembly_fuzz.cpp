// TCP reassembly of one session driven by a segment sequence. Input: client and server initial
// sequence numbers (be32 each, so wrap-around is reachable), an options byte, then segments:
//   control  bit 0 direction (1 = to_client), bit 1 window-scale option, bits 2-4 the consumer's
//            answer to the next delivery (6: skip, 7: stop, otherwise more)
//   flags    TCP flags as on the wire
//   seq      be16, signed offset from the direction's initial sequence number
//   ack      be16, signed offset from the other direction's initial sequence number
//   window   u8 (scaled by 256); its bit 0 set: the segment's TCP checksum is bad (validation is
//            "auto", so bad segments are kept out or stand in for holes)
//   length   u8, then that many payload bytes (each segment a heap copy of exactly its size)
// Checks besides the sanitizers: no delivery after stop or finish, finish() reaches the consumer
// exactly once however often it is called, and every pool chunk is back after finish.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "decode/decoded_packet.hpp"
#include "fuzz_check.hpp"
#include "flow/tcp/reassembler.hpp"
#include "flow/tcp/stream_consumer.hpp"
#include "flow/tcp/tcp_session.hpp"
#include "fuzz_input.hpp"

namespace {

using namespace spanwatch;
using flow::tcp::StreamVerdict;

class CheckingConsumer final : public flow::tcp::StreamConsumer {
 public:
  StreamVerdict feed(core::Direction, core::Bytes bytes) override {
    if (finished) fuzz::fuzz_fail("feed after finish");
    if (stopped) fuzz::fuzz_fail("feed after the consumer answered stop");
    fuzz::touch(bytes);
    return answer();
  }
  StreamVerdict gap(core::Direction, std::uint64_t) override {
    if (finished) fuzz::fuzz_fail("gap after finish");
    if (stopped) fuzz::fuzz_fail("gap after the consumer answered stop");
    return answer();
  }
  void finish() override {
    if (finished) fuzz::fuzz_fail("finish reached the consumer twice");
    finished = true;
  }

  std::uint8_t next_answer = 0;
  std::uint8_t skip_length = 0;
  bool stopped = false;
  bool finished = false;

 private:
  StreamVerdict answer() {
    if (next_answer == 7) {
      stopped = true;
      return StreamVerdict::stop();
    }
    if (next_answer == 6) return StreamVerdict::skip(skip_length);
    return StreamVerdict::more();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput in(data, size);
  const std::uint32_t isn[2] = {in.be32(), in.be32()};
  const std::uint8_t settings = in.u8();
  flow::tcp::ReassemblyOptions options;
  options.memcap_bytes = 32 * 1024;  // small limits so the fuzzer reaches them
  options.max_buffered_per_direction = (settings & 1) ? 1024 : 8192;
  options.segment_chunk_bytes = (settings & 2) ? 64 : 512;
  options.depth = (settings & 4) ? 600 : 0;
  options.ack_unseen_wait_segments = (settings >> 3) & 7;
  options.unknown_window_bytes = (settings & 0x40) ? 4096 : 1024 * 1024;
  options.max_ahead_bytes = (settings & 0x80) ? 16384 : std::uint64_t{65535} << 14;
  flow::tcp::Reassembler reassembler(options);
  flow::tcp::TcpSession session;
  reassembler.open(session);
  CheckingConsumer consumer;
  std::int64_t second = 1000;
  while (!in.empty()) {
    const std::uint8_t control = in.u8();
    const auto dir = (control & 1) ? core::Direction::to_client : core::Direction::to_server;
    const unsigned d = core::index_of(dir);
    decode::TcpInfo tcp;
    tcp.flags = in.u8();
    tcp.seq = isn[d] + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.be16()));
    tcp.ack = isn[1 - d] + static_cast<std::uint32_t>(static_cast<std::int16_t>(in.be16()));
    const std::uint8_t window = in.u8();
    tcp.window = static_cast<std::uint16_t>(window << 8 | 0xff);
    const auto checksum = (window & 1) ? flow::tcp::SegmentChecksum::bad : flow::tcp::SegmentChecksum::good;
    if (control & 2) {
      tcp.has_window_scale = true;
      tcp.window_scale = static_cast<std::uint8_t>(control >> 5);
    }
    const std::uint8_t answer = (control >> 2) & 7;
    const core::Bytes bytes = in.take(in.u8());
    const std::vector<std::uint8_t> payload(bytes.begin(), bytes.end());
    consumer.next_answer = answer;
    consumer.skip_length = static_cast<std::uint8_t>(tcp.seq);
    session.on_segment(dir, tcp, core::Bytes(payload.data(), payload.size()), core::Timestamp{++second, 0}, consumer,
                       checksum);
  }
  session.finish(consumer);
  session.finish(consumer);  // idempotent
  if (!consumer.finished) fuzz::fuzz_fail("finish did not reach the consumer");
  if (reassembler.pool().in_use() != 0) fuzz::fuzz_fail("pool chunks still in use after finish");
  return 0;
}
