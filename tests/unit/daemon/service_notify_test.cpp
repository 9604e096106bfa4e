// A unix datagram socket in a temporary folder plays the service manager: NOTIFY_SOCKET points at
// it and each test reads the exact datagrams the notifier sent.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "daemon/service_notify.hpp"

using spanwatch::daemon::ServiceNotifier;

namespace {

// Sets (or unsets, with nullopt) an environment variable for the scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class FakeServiceManager {
 public:
  FakeServiceManager() {
    char pattern[] = "/tmp/spanwatch-notify-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    dir_ = pattern;
    path_ = dir_ + "/notify";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path_.size() < sizeof address.sun_path);
    path_.copy(address.sun_path, path_.size());
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  }
  ~FakeServiceManager() {
    ::close(fd_);
    std::filesystem::remove_all(dir_);
  }
  const std::string& path() const { return path_; }

  // The next datagram, or nullopt when none is waiting.
  std::optional<std::string> next() {
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  std::string dir_, path_;
  int fd_ = -1;
};

std::uint64_t monotonic_usec() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000u + static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

}  // namespace

TEST_CASE("ready, status and stopping reach the service manager as exact datagrams") {
  FakeServiceManager manager;
  ScopedEnv socket("NOTIFY_SOCKET", manager.path());
  ScopedEnv watchdog("WATCHDOG_USEC", std::nullopt);
  ServiceNotifier notifier;
  REQUIRE(notifier.enabled());

  notifier.ready();
  notifier.status("packets 1200, drops 0, alerts 3");
  notifier.stopping();
  CHECK(manager.next() == "READY=1");
  CHECK(manager.next() == "STATUS=packets 1200, drops 0, alerts 3");
  CHECK(manager.next() == "STOPPING=1");
  CHECK(manager.next() == std::nullopt);
  CHECK(notifier.send_failures() == 0);
}

TEST_CASE("a status text cannot smuggle another assignment through a newline") {
  FakeServiceManager manager;
  ScopedEnv socket("NOTIFY_SOCKET", manager.path());
  ServiceNotifier notifier;
  notifier.status("interface eth0\nREADY=1\r\n");
  CHECK(manager.next() == "STATUS=interface eth0 READY=1  ");
}

TEST_CASE("reloading carries the monotonic time of the reload") {
  FakeServiceManager manager;
  ScopedEnv socket("NOTIFY_SOCKET", manager.path());
  ServiceNotifier notifier;
  const std::uint64_t before = monotonic_usec();
  notifier.reloading();
  const std::uint64_t after = monotonic_usec();
  notifier.ready();

  const std::optional<std::string> reloading = manager.next();
  REQUIRE(reloading);
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  REQUIRE(reloading->rfind(prefix, 0) == 0);
  const std::string digits = reloading->substr(prefix.size());
  REQUIRE(!digits.empty());
  REQUIRE(digits.find_first_not_of("0123456789") == std::string::npos);
  const std::uint64_t stamp = std::stoull(digits);
  CHECK(stamp >= before);
  CHECK(stamp <= after);
  CHECK(manager.next() == "READY=1");
}

TEST_CASE("the watchdog interval and pings follow WATCHDOG_USEC for this process only") {
  FakeServiceManager manager;
  ScopedEnv socket("NOTIFY_SOCKET", manager.path());
  ScopedEnv usec("WATCHDOG_USEC", "30000000");

  SECTION("for this process") {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
    ServiceNotifier notifier;
    CHECK(notifier.watchdog_interval() == std::chrono::seconds(30));
    notifier.watchdog_ping();
    CHECK(manager.next() == "WATCHDOG=1");
  }
  SECTION("meant for another process") {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));
    ServiceNotifier notifier;
    CHECK(notifier.watchdog_interval().count() == 0);
    notifier.watchdog_ping();
    CHECK(manager.next() == std::nullopt);
  }
}

TEST_CASE("without a watchdog a ping sends nothing") {
  FakeServiceManager manager;
  ScopedEnv socket("NOTIFY_SOCKET", manager.path());
  ScopedEnv usec("WATCHDOG_USEC", std::nullopt);
  ServiceNotifier notifier;
  CHECK(notifier.watchdog_interval().count() == 0);
  notifier.watchdog_ping();
  notifier.ready();
  CHECK(manager.next() == "READY=1");  // the ping sent nothing before it
  CHECK(manager.next() == std::nullopt);
}

TEST_CASE("outside systemd every notification is a no-op") {
  FakeServiceManager manager;
  ScopedEnv socket("NOTIFY_SOCKET", std::nullopt);
  ScopedEnv usec("WATCHDOG_USEC", "30000000");
  ServiceNotifier notifier;
  CHECK_FALSE(notifier.enabled());
  CHECK(notifier.watchdog_interval().count() == 0);
  notifier.ready();
  notifier.reloading();
  notifier.status("anything");
  notifier.watchdog_ping();
  notifier.stopping();
  CHECK(manager.next() == std::nullopt);
  CHECK(notifier.send_failures() == 0);
}

TEST_CASE("a service manager that went away is counted, not waited for") {
  std::optional<std::string> gone;
  {
    FakeServiceManager manager;
    gone = manager.path();
  }
  ScopedEnv socket("NOTIFY_SOCKET", *gone);
  ServiceNotifier notifier;
  notifier.ready();
  notifier.status("still here");
  CHECK(notifier.send_failures() == 2);
}
