#pragma once
// Compiles and installs a BPF filter on an open handle; shared by the live and offline openers.
// Internal to capture: not for other layers.
#include <string>

struct pcap;

namespace spanwatch::capture {

// Does nothing for an empty filter. Throws CaptureError("<source>: cannot compile BPF filter
// '<bpf>': <reason>") or the same for pcap_setfilter.
void install_bpf_filter(::pcap* handle, const std::string& bpf, const std::string& source_name);

}  // namespace spanwatch::capture
