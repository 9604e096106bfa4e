#pragma once
// The daemon's control side, run on the output thread's io_context so that the packet thread never
// handles a signal or talks to systemd: SIGTERM/SIGINT ask the packet loop to stop, SIGHUP reloads
// the rules (compiled here, off the packet path) and reopens the outputs, SIGUSR1 asks for a stats
// record now. Under systemd (Type=notify) it reports READY/RELOADING/STOPPING, a STATUS line, and
// pings the watchdog only while the packet loop's heartbeat moves.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/service_notify.hpp"

namespace spanwatch::daemon {

// Shared between the packet thread and the control side.
struct RunRequests {
  // Set by the control side, read by the packet loop between batches.
  std::atomic<bool> stop{false};
  std::atomic<bool> stats{false};
  // Published by the packet loop at each turn (relaxed: figures for a status line).
  std::atomic<std::uint64_t> heartbeat{0};
  std::atomic<std::uint64_t> packets{0};
  std::atomic<std::uint64_t> drops{0};
  std::atomic<std::uint64_t> alerts{0};
};

class Control {
 public:
  // `reload` runs on the io_context's thread for each SIGHUP; `what` names the capture for the
  // STATUS line ("eth0", "3 files").
  Control(boost::asio::io_context& io, RunRequests& requests, std::function<void()> reload, std::string what);
  // Installs the signal handlers (they replace the default actions until the Control is destroyed).
  void start();
  // Once capture is open and privileges are dropped: READY=1, then status and watchdog timers.
  void ready();
  // Thread-safe: stops listening and tells systemd the service is stopping (posted to the io_context).
  void cancel();

 private:
  void wait();
  void on_signal(int signal_number);
  void schedule_status();
  void schedule_watchdog();

  boost::asio::signal_set signals_;
  boost::asio::steady_timer status_timer_;
  boost::asio::steady_timer watchdog_timer_;
  RunRequests& requests_;
  std::function<void()> reload_;
  std::string what_;
  ServiceNotifier notifier_;
  std::uint64_t last_heartbeat_ = 0;
  bool stopping_ = false;
};

}  // namespace spanwatch::daemon
