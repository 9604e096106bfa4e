#pragma once
// Options for opening a capture source. Each limit here is also counted (see CaptureStats).
#include <string>

namespace spanwatch::capture {

struct LiveOptions {
  int snaplen = 262144;      // bytes kept per packet; longer packets are counted as truncated
  int buffer_size_mib = 64;  // kernel ring (TPACKET_V3) size; too small shows up as kernel_drops
  bool promiscuous = true;
  int timeout_ms = 100;      // >= 1: a partly filled block is handed over after this; an idle
                             // dispatch returns timeout after about this long
  std::string bpf;           // empty: no filter
};

struct OfflineOptions {
  std::string bpf;  // empty: no filter
  // dispatch(-1) on a file would otherwise read the whole file in one call; a batch gives the
  // caller back control (stop flag, timers, progress) this often. Values < 1 mean 1.
  int batch_packets = 4096;
};

}  // namespace spanwatch::capture
