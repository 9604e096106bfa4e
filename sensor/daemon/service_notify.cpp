#include "daemon/service_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>

namespace spanwatch::daemon {

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && socket[0] != '\0';
  std::uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is this process.
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_interval_ = std::chrono::microseconds(usec);
  buffer_.reserve(256);
}

void ServiceNotifier::ready() { send("READY=1"); }

void ServiceNotifier::reloading() {
  if (!enabled_) return;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const std::uint64_t usec =
      static_cast<std::uint64_t>(now.tv_sec) * 1000000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
  buffer_.assign("RELOADING=1\nMONOTONIC_USEC=");
  buffer_ += std::to_string(usec);
  send(buffer_.c_str());
}

void ServiceNotifier::stopping() { send("STOPPING=1"); }

void ServiceNotifier::status(std::string_view text) {
  if (!enabled_) return;
  buffer_.assign("STATUS=");
  for (char c : text) buffer_.push_back(c == '\n' || c == '\r' ? ' ' : c);
  send(buffer_.c_str());
}

void ServiceNotifier::watchdog_ping() {
  if (watchdog_interval_.count() == 0) return;
  send("WATCHDOG=1");
}

void ServiceNotifier::send(const char* message) {
  if (!enabled_) return;
  // unset_environment = 0: a reload or a child may still need NOTIFY_SOCKET.
  if (sd_notify(0, message) <= 0) ++send_failures_;
}

}  // namespace spanwatch::daemon
