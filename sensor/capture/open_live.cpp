// open_live(): pcap_create, set options, pcap_activate, filter. Not immediate mode: on Linux it
// makes libpcap fall back from TPACKET_V3 to V2 and costs throughput (PERFORMANCE.md).
#include <pcap/pcap.h>

#include "capture/bpf_filter.hpp"
#include "capture/capture_error.hpp"
#include "capture/packet_source.hpp"

namespace spanwatch::capture {
namespace {

// pcap_statustostr names the status; pcap_geterr may add a detail (or be the whole story for
// the generic PCAP_ERROR / PCAP_WARNING).
std::string describe_status(::pcap* handle, int status) {
  const std::string detail = pcap_geterr(handle);
  if (status == PCAP_ERROR || status == PCAP_WARNING) return detail.empty() ? pcap_statustostr(status) : detail;
  std::string text = pcap_statustostr(status);
  if (!detail.empty()) text += " (" + detail + ")";
  return text;
}

void append_warning(std::string& warnings, const std::string& warning) {
  if (!warnings.empty()) warnings += "; ";
  warnings += warning;
}

}  // namespace

std::unique_ptr<PacketSource> open_live(const std::string& interface, std::uint16_t source_index,
                                        const LiveOptions& options) {
  // pcap_set_buffer_size takes an int number of bytes.
  constexpr int max_buffer_size_mib = 2047;
  if (options.buffer_size_mib < 1 || options.buffer_size_mib > max_buffer_size_mib)
    throw CaptureError(interface + ": buffer size " + std::to_string(options.buffer_size_mib) +
                       " MiB is outside 1.." + std::to_string(max_buffer_size_mib));

  if (options.timeout_ms < 1)
    throw CaptureError(interface + ": timeout " + std::to_string(options.timeout_ms) + " ms must be at least 1");

  std::unique_ptr<PacketSource> source(new PacketSource(PacketSource::Kind::live, source_index, interface));
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  ::pcap* handle = pcap_create(interface.c_str(), errbuf);
  if (handle == nullptr) throw CaptureError(interface + ": " + errbuf);
  source->handle_.reset(handle);

  pcap_set_snaplen(handle, options.snaplen);
  pcap_set_promisc(handle, options.promiscuous ? 1 : 0);
  pcap_set_buffer_size(handle, options.buffer_size_mib * 1024 * 1024);
  pcap_set_timeout(handle, options.timeout_ms);
  if (pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO) != 0)
    append_warning(source->warnings_, "nanosecond timestamps not supported, using microseconds");

  const int status = pcap_activate(handle);
  if (status < 0) throw CaptureError(interface + ": " + describe_status(handle, status));
  if (status > 0) append_warning(source->warnings_, describe_status(handle, status));

  source->subsecond_scale_ = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
  source->linktype_ = pcap_datalink(handle);
  install_bpf_filter(handle, options.bpf, interface);
  // dispatch() polls with the timeout itself; see there why.
  if (pcap_setnonblock(handle, 1, errbuf) != 0) throw CaptureError(interface + ": " + errbuf);
  source->live_fd_ = pcap_get_selectable_fd(handle);
  if (source->live_fd_ < 0) throw CaptureError(interface + ": libpcap offers no selectable descriptor");
  source->poll_timeout_ms_ = options.timeout_ms;
  source->on_interface_down_ = options.on_interface_down;
  // A link without carrier yet (a span port still negotiating at boot) is where capture starts
  // waiting, not a loss: its coming up is reported, nothing before it counts as going down.
  source->link_state_ = source->read_link_state().value_or(LinkState::up);
  return source;
}

}  // namespace spanwatch::capture
