#include "capture/packet_source.hpp"

#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace spanwatch::capture {
namespace {

// What on_packet needs for one dispatch call; lives on dispatch()'s stack.
struct DispatchContext {
  PacketSource* source;
  PacketCallback callback;
  void* context;
  int delivered;
  bool break_issued;  // on_packet called pcap_breakloop for a pending break_loop()
};

// Adds the growth of a 32-bit counter that may have wrapped since the last read.
void accumulate(std::uint32_t now, std::uint32_t& last, std::uint64_t& total) {
  total += static_cast<std::uint32_t>(now - last);
  last = now;
}

}  // namespace

void PacketSource::PcapCloser::operator()(::pcap* handle) const { pcap_close(handle); }

PacketSource::PacketSource(Kind kind, std::uint16_t source_index, std::string name)
    : kind_(kind), source_index_(source_index), name_(std::move(name)) {}

PacketSource::~PacketSource() = default;

core::Bytes PacketSource::frame_ahead() {
#if defined(__GLIBC__)
  // libpcap has just read this packet's record, so the unread bytes start at the next one. They
  // must lie in our buffer (glibc reads elsewhere only after ungetc, which libpcap never calls).
  const auto* unread = reinterpret_cast<const std::uint8_t*>(file_->_IO_read_ptr);
  const auto* end = reinterpret_cast<const std::uint8_t*>(file_->_IO_read_end);
  const auto* buffer = reinterpret_cast<const std::uint8_t*>(stdio_buffer_.get());
  if (unread < buffer || end < unread || end > buffer + stdio_buffer_bytes) return {};
  return lookahead_->frame_ahead(unread, end);
#else
  return {};
#endif
}

void PacketSource::on_packet(unsigned char* user, const ::pcap_pkthdr* header, const unsigned char* bytes) {
  auto& dispatch = *reinterpret_cast<DispatchContext*>(user);
  PacketSource& self = *dispatch.source;
  core::PacketView view;
  view.ts.seconds = header->ts.tv_sec;
  view.ts.nanoseconds = static_cast<std::uint32_t>(header->ts.tv_usec) * self.subsecond_scale_;
  view.caplen = header->caplen;
  view.wirelen = header->len;
  view.linktype = self.linktype_;
  view.source = self.source_index_;
  view.data = core::Bytes(bytes, header->caplen);
  if (self.lookahead_) view.ahead = self.frame_ahead();
  ++self.packets_;
  self.bytes_ += header->caplen;
  if (header->caplen < header->len) ++self.truncated_;
  ++dispatch.delivered;
  dispatch.callback(dispatch.context, view);
  // pcap_breakloop is issued here, on the dispatching thread and inside libpcap's loop, so its
  // flag is always consumed by this dispatch and never goes stale (see dispatch()).
  if (self.stop_requested_.load(std::memory_order_relaxed) && !dispatch.break_issued) {
    self.stop_requested_.store(false, std::memory_order_relaxed);
    dispatch.break_issued = true;
    pcap_breakloop(self.handle_.get());
  }
}

DispatchResult PacketSource::dispatch(int max_packets, PacketCallback callback, void* context) {
  if (stop_requested_.exchange(false)) return {DispatchStatus::stopped, 0};
  if (max_packets < 1 && kind_ == Kind::offline) max_packets = offline_batch_;
  if (kind_ == Kind::live && link_state_ != LinkState::up) {
    // While down, look at every call: packets may arrive right after the link comes back.
    const DispatchStatus change = check_link();
    if (change != DispatchStatus::packets) return {change, 0};
  }
  DispatchContext state{this, callback, context, 0, false};
  auto* user = reinterpret_cast<unsigned char*>(&state);
  int rc = pcap_dispatch(handle_.get(), max_packets, &PacketSource::on_packet, user);
  if (rc == 0 && kind_ == Kind::live) {
    // Live handles are non-blocking: on an idle TPACKET_V3 ring a blocking read never times out
    // (the kernel retires only non-empty blocks), so we wait here, bounded, and read once more.
    // A signal interrupts poll early; either way a break_loop() made meanwhile is seen here.
    pollfd readable{live_fd_, POLLIN, 0};
    ::poll(&readable, 1, poll_timeout_ms_);
    if (stop_requested_.exchange(false)) return {DispatchStatus::stopped, 0};
    // Nothing to read (or POLLERR: the kernel's ENETDOWN, which libpcap 1.10 consumes silently):
    // a cheap moment to ask whether the link is still there.
    if ((readable.revents & POLLIN) == 0) {
      const DispatchStatus change = check_link();
      if (change != DispatchStatus::packets) return {change, 0};
    }
    rc = pcap_dispatch(handle_.get(), max_packets, &PacketSource::on_packet, user);
  }
  if (state.break_issued) {
    // A file read that delivered packets before the break returns their count and leaves
    // libpcap's flag set; one more call returns PCAP_ERROR_BREAK at once, reading nothing, and
    // clears it. Live reads always return PCAP_ERROR_BREAK themselves.
    if (rc >= 0) pcap_dispatch(handle_.get(), 1, &PacketSource::on_packet, user);
    return {DispatchStatus::stopped, state.delivered};
  }
  if (rc > 0) return {DispatchStatus::packets, state.delivered};
  if (rc == 0) return {kind_ == Kind::offline ? DispatchStatus::end_of_file : DispatchStatus::timeout, 0};
  if (rc == PCAP_ERROR_BREAK) return {DispatchStatus::stopped, state.delivered};
  ++errors_;
  return {DispatchStatus::error, state.delivered};
}

std::optional<LinkState> PacketSource::read_link_state() const {
  ifreq request{};
  std::strncpy(request.ifr_name, name_.c_str(), IFNAMSIZ - 1);
  if (::ioctl(live_fd_, SIOCGIFFLAGS, &request) != 0) return std::nullopt;
  const bool admin_up = (request.ifr_flags & IFF_UP) != 0;
  const bool carrier = (request.ifr_flags & IFF_RUNNING) != 0;
  return !admin_up ? LinkState::down : !carrier ? LinkState::no_carrier : LinkState::up;
}

DispatchStatus PacketSource::check_link() {
  const std::optional<LinkState> read = read_link_state();
  if (!read) {
    if (errno != ENODEV) return DispatchStatus::packets;  // cannot tell: assume unchanged
    // Deleted. Even if an interface of that name comes back it is a new one (a new ifindex) that
    // this socket is not bound to, and reopening needs the capability dropped after start-up.
    ++errors_;
    error_text_ = "the interface was deleted; capture cannot resume on it";
    return DispatchStatus::error;
  }
  const LinkState now = *read;
  if (now == link_state_) return DispatchStatus::packets;
  const bool was_up = link_state_ == LinkState::up;
  link_state_ = now;
  if (now == LinkState::up) return DispatchStatus::link_up;
  if (!was_up) return DispatchStatus::packets;  // down <-> no carrier: still down
  ++errors_;
  ++link_downs_;
  return DispatchStatus::link_down;
}

void PacketSource::break_loop() { stop_requested_.store(true); }

CaptureStats PacketSource::stats() const {
  CaptureStats out;
  out.packets = packets_;
  out.bytes = bytes_;
  out.truncated = truncated_;
  out.errors = errors_;
  out.link_downs = link_downs_;
  if (kind_ == Kind::live) {
    struct pcap_stat raw {};
    if (pcap_stats(handle_.get(), &raw) == 0) {
      accumulate(raw.ps_recv, last_recv_, kernel_packets_);
      accumulate(raw.ps_drop, last_drop_, kernel_drops_);
      accumulate(raw.ps_ifdrop, last_ifdrop_, kernel_ifdrops_);
    }
  }
  out.kernel_packets = kernel_packets_;
  out.kernel_drops = kernel_drops_;
  out.kernel_ifdrops = kernel_ifdrops_;
  return out;
}

int PacketSource::snaplen() const { return pcap_snapshot(handle_.get()); }

int PacketSource::selectable_fd() const { return live_fd_; }

std::uint64_t PacketSource::file_size() const { return file_size_; }

std::uint64_t PacketSource::file_position() const {
  if (kind_ != Kind::offline) return 0;
  const long position = std::ftell(pcap_file(handle_.get()));
  return position < 0 ? 0 : static_cast<std::uint64_t>(position);
}

std::string_view PacketSource::last_error() const {
  if (!error_text_.empty()) return error_text_;
  return pcap_geterr(handle_.get());
}

}  // namespace spanwatch::capture
