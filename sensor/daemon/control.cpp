#include "daemon/control.hpp"

#include <signal.h>

#include <cstdlib>

#include <boost/asio/post.hpp>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

namespace spanwatch::daemon {

namespace {
constexpr std::chrono::seconds status_interval{5};
}

Control::Control(boost::asio::io_context& io, RunRequests& requests, std::function<void()> reload, std::string what)
    : signals_(io), status_timer_(io), watchdog_timer_(io), requests_(requests), reload_(std::move(reload)),
      what_(std::move(what)) {}

void Control::start() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
  signals_.add(SIGUSR1);
  wait();
}

void Control::ready() {
  boost::asio::post(signals_.get_executor(), [this] {
    notifier_.ready();
    if (!notifier_.enabled()) return;
    const auto watchdog = notifier_.watchdog_interval();
    spdlog::info("systemd notified (watchdog {})", watchdog.count() != 0 ? fmt::format("{} ms", watchdog.count() / 1000) : "off");
    schedule_status();
    if (watchdog.count() != 0) schedule_watchdog();
  });
}

void Control::cancel() {
  // On the io_context's thread: the signal set and timers are not safe to touch from another one.
  boost::asio::post(signals_.get_executor(), [this] {
    stopping_ = true;
    notifier_.stopping();
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    status_timer_.cancel();
    watchdog_timer_.cancel();
  });
}

void Control::wait() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal_number) {
    if (error) return;  // cancelled
    on_signal(signal_number);
    wait();
  });
}

void Control::on_signal(int signal_number) {
  switch (signal_number) {
    case SIGINT:
    case SIGTERM:
      if (requests_.stop.exchange(true)) {
        spdlog::warn("second stop signal: exiting at once");
        std::_Exit(1);
      }
      spdlog::info("stopping: finishing flows and flushing outputs");
      notifier_.stopping();
      break;
    case SIGHUP:
      notifier_.reloading();
      reload_();
      notifier_.ready();
      break;
    case SIGUSR1:
      requests_.stats = true;
      break;
    default:
      break;
  }
}

void Control::schedule_status() {
  notifier_.status(fmt::format("{}: {} packets, {} dropped, {} alerts", what_,
                               requests_.packets.load(std::memory_order_relaxed),
                               requests_.drops.load(std::memory_order_relaxed),
                               requests_.alerts.load(std::memory_order_relaxed)));
  status_timer_.expires_after(status_interval);
  status_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error && !stopping_) schedule_status();
  });
}

// A packet loop stuck in a parser or a dead capture handle stops the heartbeat: no ping, and
// systemd restarts the service once WatchdogSec= runs out.
void Control::schedule_watchdog() {
  const std::uint64_t heartbeat = requests_.heartbeat.load(std::memory_order_relaxed);
  if (heartbeat != last_heartbeat_) {
    last_heartbeat_ = heartbeat;
    notifier_.watchdog_ping();
  }
  watchdog_timer_.expires_after(notifier_.watchdog_interval() / 2);
  watchdog_timer_.async_wait([this](const boost::system::error_code& error) {
    if (!error && !stopping_) schedule_watchdog();
  });
}

}  // namespace spanwatch::daemon
