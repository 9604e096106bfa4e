// The SYN + UDP flood interleaved with an SMB brute force. Flood frames are assembled in place by
// FrameWriter (nothing allocated per packet); the brute force is laid out first in a RecordingSink
// and merged in time order.
#include <cstddef>

#include "scenarios.hpp"
#include "sessions.hpp"
#include "support/frame_writer.hpp"

namespace spanwatch::floods {
namespace {

// Flow i's spoofed source: an odd multiplier is a bijection modulo 2^22, so every i below 4 Mi gets
// its own address in 100.64.0.0/10 (distinct flows without bookkeeping).
testing::Address spoofed_source(std::uint64_t i) {
  const auto n = static_cast<std::uint32_t>((i * 2654435761ULL) & 0x3fffff);
  return testing::Address::v4(100, static_cast<std::uint8_t>(64 | (n >> 16)), static_cast<std::uint8_t>(n >> 8),
                              static_cast<std::uint8_t>(n));
}

class FloodWriter {
 public:
  explicit FloodWriter(Rng& rng) : rng_(rng) {}

  std::span<const std::uint8_t> frame(std::uint64_t i) {
    const testing::Address source = spoofed_source(i);
    const std::uint64_t r = rng_.next();
    if (i % 2 == 0) {
      testing::TcpFields t;
      t.sport = static_cast<std::uint16_t>(1024 + r % 64000);
      t.dport = 445;
      t.seq = static_cast<std::uint32_t>(r >> 32);
      t.flags = testing::tcp_flags::syn;
      t.window = 64240;
      t.syn_options = true;
      writer_.start_tcp(source, smb_server, t, {}, static_cast<std::uint16_t>(r >> 16));
      return writer_.finish(0);
    }
    const testing::Address target =
        testing::Address::v4(10, 21, static_cast<std::uint8_t>(r >> 8), static_cast<std::uint8_t>(r));
    std::uint8_t* payload = writer_.start_udp(source, target, static_cast<std::uint16_t>(r >> 16),
                                              static_cast<std::uint16_t>(r >> 32), {},
                                              static_cast<std::uint16_t>(r >> 48));
    for (std::size_t k = 0; k < 18; ++k) payload[k] = static_cast<std::uint8_t>(r >> (k % 8 * 8));
    return writer_.finish(18);
  }

 private:
  Rng& rng_;
  testing::FrameWriter writer_;
};

}  // namespace

std::uint64_t write_flood(const std::string& path, const FloodSpec& spec) {
  Rng rng(spec.seed);
  // The brute force: one failed logon every 2 s from 2 s on, all within the rule's 60 s window.
  RecordingSink brute_force;
  for (int attempt = 0; attempt < spec.failed_logons; ++attempt) {
    brute_force.set_now_ns(capture_epoch_ns + (2 + 2 * attempt) * 1000000000LL);
    smb_logon(brute_force, rng, testing::Address::v4(10, 20, 5, 77), static_cast<std::uint16_t>(49730 + attempt),
              "alice", false);
  }
  PcapSink out(path);
  const auto& logon_frames = brute_force.frames();
  std::size_t next_logon = 0;
  if (spec.flood) {
    FloodWriter flood(rng);
    for (std::uint64_t i = 0; i < spec.flows; ++i) {
      const std::int64_t ns =
          capture_epoch_ns + static_cast<std::int64_t>(i * static_cast<std::uint64_t>(spec.duration_ns) / spec.flows);
      for (; next_logon < logon_frames.size() && logon_frames[next_logon].ns <= ns; ++next_logon)
        out.write(logon_frames[next_logon].ns, logon_frames[next_logon].bytes);
      out.write(ns, flood.frame(i));
    }
  }
  for (; next_logon < logon_frames.size(); ++next_logon)
    out.write(logon_frames[next_logon].ns, logon_frames[next_logon].bytes);
  return out.packets();
}

}  // namespace spanwatch::floods
