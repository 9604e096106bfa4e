#pragma once
// One libpcap handle, live or offline, handing each packet on as a core::PacketView that points
// into libpcap's own buffer: no copy, no allocation per packet. The view is valid only during the
// callback. Opening throws CaptureError; everything after opening is noexcept in practice and
// reports problems through DispatchStatus and CaptureStats.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "capture/capture_options.hpp"
#include "capture/file_lookahead.hpp"
#include "capture/read_ahead_file.hpp"
#include "core/packet_view.hpp"

// libpcap's pcap_t and pcap_pkthdr, declared here so users of this header do not include <pcap.h>.
struct pcap;
struct pcap_pkthdr;

namespace spanwatch::capture {

// A plain function pointer and a context, not std::function: called once per packet.
using PacketCallback = void (*)(void* context, const core::PacketView& packet);

enum class DispatchStatus {
  packets,      // count packets were delivered
  timeout,      // live: the timeout expired with nothing to deliver
  end_of_file,  // offline: no packets left
  stopped,      // break_loop() was called
  error,        // libpcap failed, or the interface was deleted; see last_error()
  link_down,    // live: the interface just went down (or lost its carrier); the handle stays open
  link_up,      // live: it is up again; packets follow on the same handle
};

// Live: the interface as dispatch() last saw it (SIOCGIFFLAGS on the capture socket).
enum class LinkState { up, down, no_carrier };

struct DispatchResult {
  DispatchStatus status = DispatchStatus::packets;
  int count = 0;  // packets delivered to the callback in this call (also on stopped)
};

// Names map to EVE stats.capture.*. packets/bytes are what was delivered (after BPF); the kernel_*
// counters come from pcap_stats and stay 0 offline.
struct CaptureStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;      // captured bytes (caplen)
  std::uint64_t truncated = 0;  // packets cut by the snaplen (caplen < wirelen)
  std::uint64_t kernel_packets = 0;
  std::uint64_t kernel_drops = 0;    // ps_drop: ring full
  std::uint64_t kernel_ifdrops = 0;  // ps_ifdrop: dropped by the interface/driver
  std::uint64_t errors = 0;          // read errors and link losses (EVE capture.errors)
  std::uint64_t link_downs = 0;      // of those, times the interface went down or lost its carrier
};

class PacketSource {
 public:
  enum class Kind { live, offline };

  PacketSource(const PacketSource&) = delete;
  PacketSource& operator=(const PacketSource&) = delete;
  ~PacketSource();

  // Runs pcap_dispatch for up to max_packets (< 1: one buffer-full live, one batch offline) and
  // calls callback for each packet, on the calling thread. Live, it waits at most about
  // LiveOptions::timeout_ms for a block when none is ready, then returns timeout.
  DispatchResult dispatch(int max_packets, PacketCallback callback, void* context);

  // Makes the running dispatch (after its current packet) or else the next one return
  // DispatchStatus::stopped; a waiting live dispatch notices within timeout_ms. Safe from a
  // signal handler or another thread: it only sets a lock-free atomic flag.
  void break_loop();

  // Call from the thread that dispatches. Widens libpcap's 32-bit kernel counters to 64 bits,
  // which holds as long as it is called at least once per 2^32 packets.
  CaptureStats stats() const;

  Kind kind() const { return kind_; }
  int linktype() const { return linktype_; }
  std::string_view name() const { return name_; }  // interface or file name
  std::uint16_t source_index() const { return source_index_; }
  int snaplen() const;
  bool nanosecond_timestamps() const { return subsecond_scale_ == 1; }
  // Live: the non-blocking, pollable descriptor (for Boost.Asio); offline: -1.
  int selectable_fd() const;
  std::uint64_t file_size() const;    // offline: bytes in the file; live: 0
  std::uint64_t file_position() const;  // offline: bytes consumed so far (ftell); live: 0
  std::string_view warnings() const { return warnings_; }  // live: pcap_activate warnings, else empty
  std::string_view last_error() const;  // libpcap's message after DispatchStatus::error
  LinkState link_state() const { return link_state_; }  // live; offline always up
  InterfaceDownPolicy on_interface_down() const { return on_interface_down_; }

 private:
  struct PcapCloser {
    void operator()(::pcap* handle) const;
  };

  PacketSource(Kind kind, std::uint16_t source_index, std::string name);
  static void on_packet(unsigned char* user, const ::pcap_pkthdr* header, const unsigned char* bytes);
  core::Bytes frame_ahead();
  // Reads the interface flags; returns link_down/link_up on a change, error if the interface is
  // gone, packets (meaning: nothing to report) otherwise.
  DispatchStatus check_link();
  std::optional<LinkState> read_link_state() const;  // nullopt (errno set) when the flags cannot be read

  friend std::unique_ptr<PacketSource> open_offline(const std::string&, std::uint16_t, const OfflineOptions&);
  friend std::unique_ptr<PacketSource> open_live(const std::string&, std::uint16_t, const LiveOptions&);

  Kind kind_;
  std::uint16_t source_index_;
  std::string name_;
  std::string warnings_;
  int offline_batch_ = 0;
  int linktype_ = 0;  // cached: libpcap keeps one link type per handle
  int live_fd_ = -1;
  int poll_timeout_ms_ = 0;
  InterfaceDownPolicy on_interface_down_ = InterfaceDownPolicy::wait;
  LinkState link_state_ = LinkState::up;
  std::string error_text_;  // our own error (deleted interface); empty: libpcap's
  std::uint32_t subsecond_scale_ = 1000;  // ns per unit of tv_usec: 1 for nanosecond precision
  std::uint64_t file_size_ = 0;
  // libpcap reads a file through a FILE buffered in memory of ours: a FILE refilled from a
  // ReadAheadFile for a regular file, a plain one otherwise (a pipe). glibc's default FILE buffer is
  // 4 KiB and it ignores setvbuf's size when the pointer is NULL; a 1 MiB buffer of our own made the
  // bare read loop 12% faster (PERFORMANCE.md). It also holds the packets after the one being
  // delivered, for FileLookahead.
  static constexpr std::size_t stdio_buffer_bytes = std::size_t{1} << 20;
  // Both declared before handle_, so they are destroyed after pcap_close has closed the FILE over them.
  std::unique_ptr<ReadAheadFile> read_ahead_;
  std::unique_ptr<char[]> stdio_buffer_;
  std::FILE* file_ = nullptr;  // the FILE libpcap reads through stdio_buffer_ (closed by pcap_close)
  std::optional<FileLookahead> lookahead_;  // classic pcap on glibc
  std::unique_ptr<::pcap, PcapCloser> handle_;

  std::atomic<bool> stop_requested_{false};
  static_assert(std::atomic<bool>::is_always_lock_free, "break_loop() must be async-signal-safe");

  // Delivered-packet counters, written only by the dispatching thread.
  std::uint64_t packets_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t truncated_ = 0;
  std::uint64_t errors_ = 0;
  std::uint64_t link_downs_ = 0;
  // Last raw 32-bit pcap_stats values and their 64-bit sums.
  mutable std::uint32_t last_recv_ = 0, last_drop_ = 0, last_ifdrop_ = 0;
  mutable std::uint64_t kernel_packets_ = 0, kernel_drops_ = 0, kernel_ifdrops_ = 0;
};

// Opens a pcap or pcapng file; timestamps are delivered in nanoseconds whatever the file holds.
// Throws CaptureError("cannot open <path>: <reason>") or, for a bad filter,
// CaptureError("<path>: cannot compile BPF filter '<bpf>': <reason>").
std::unique_ptr<PacketSource> open_offline(const std::string& path, std::uint16_t source_index,
                                           const OfflineOptions& options);

// Opens and activates an interface (not in immediate mode, which loses TPACKET_V3).
// Throws CaptureError("<interface>: <reason>").
std::unique_ptr<PacketSource> open_live(const std::string& interface, std::uint16_t source_index,
                                        const LiveOptions& options);

}  // namespace spanwatch::capture
