#pragma once
// The sensor's side of systemd's Type=notify protocol, over libsystemd's sd_notify: READY=1 once
// capture is open and privileges are dropped, RELOADING=1 around a SIGHUP, STOPPING=1, STATUS= lines
// and watchdog pings. Outside systemd (no NOTIFY_SOCKET) every call is a no-op. Used from the one
// Asio/control thread; never on the packet path.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace spanwatch::daemon {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID once; later changes are not seen.
  ServiceNotifier();

  // True when a service manager listens (NOTIFY_SOCKET is set).
  bool enabled() const { return enabled_; }

  void ready();      // READY=1
  void reloading();  // RELOADING=1 and MONOTONIC_USEC= (systemd 253+ wants it; 252 ignores it); ready() ends it
  void stopping();   // STOPPING=1
  // STATUS=<text>, shown by systemctl status; a newline in the text would start another assignment,
  // so newlines become spaces.
  void status(std::string_view text);

  // WatchdogSec= for this process (sd_watchdog_enabled), zero when off; ping at half of it.
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }
  void watchdog_ping();  // WATCHDOG=1, only when the watchdog is on

  // Datagrams sd_notify failed to send (the manager gone, a full socket buffer); sends never block.
  std::uint64_t send_failures() const { return send_failures_; }

 private:
  void send(const char* message);

  bool enabled_ = false;
  std::chrono::microseconds watchdog_interval_{0};
  std::string buffer_;  // reused for STATUS= and RELOADING= messages
  std::uint64_t send_failures_ = 0;
};

}  // namespace spanwatch::daemon
