#include "capture/bpf_filter.hpp"

#include <pcap/pcap.h>

#include "capture/capture_error.hpp"

namespace spanwatch::capture {

void install_bpf_filter(::pcap* handle, const std::string& bpf, const std::string& source_name) {
  if (bpf.empty()) return;
  struct bpf_program program {};
  // Optimised; the netmask only matters for "ip broadcast", which a span port sensor does not need.
  if (pcap_compile(handle, &program, bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw CaptureError(source_name + ": cannot compile BPF filter '" + bpf + "': " + pcap_geterr(handle));
  const int rc = pcap_setfilter(handle, &program);
  pcap_freecode(&program);
  if (rc != 0)
    throw CaptureError(source_name + ": cannot install BPF filter '" + bpf + "': " + pcap_geterr(handle));
}

}  // namespace spanwatch::capture
