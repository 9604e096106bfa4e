#pragma once
// Options for opening a capture source. Each limit here is also counted (see CaptureStats).
#include <string>

namespace spanwatch::capture {

// What a live capture does when its interface goes down (admin down or no carrier): wait keeps the
// handle and resumes when the link is back (the kernel re-arms the packet socket on NETDEV_UP);
// exit ends the run with an error. A deleted interface always ends the run (see README.md).
enum class InterfaceDownPolicy { wait, exit };

struct LiveOptions {
  int snaplen = 262144;      // bytes kept per packet; longer packets are counted as truncated
  int buffer_size_mib = 64;  // kernel ring (TPACKET_V3) size; too small shows up as kernel_drops
  bool promiscuous = true;
  int timeout_ms = 100;      // >= 1: a partly filled block is handed over after this; an idle
                             // dispatch returns timeout after about this long
  std::string bpf;           // empty: no filter
  InterfaceDownPolicy on_interface_down = InterfaceDownPolicy::wait;
};

struct OfflineOptions {
  std::string bpf;  // empty: no filter
  // dispatch(-1) on a file would otherwise read the whole file in one call; a batch gives the
  // caller back control (stop flag, timers, progress) this often. Values < 1 mean 1.
  int batch_packets = 4096;
};

}  // namespace spanwatch::capture
