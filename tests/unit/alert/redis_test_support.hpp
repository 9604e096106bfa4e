#pragma once
// Helpers for the Redis output tests: a real redis-server started on a free loopback port (and
// killed at scope exit), a blocking hiredis client to read back what arrived, and an io_context
// runner. SPANWATCH_REDIS_SERVER is the redis-server found by CMake (the tests are not built
// without one).
#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <hiredis/hiredis.h>

extern char** environ;

namespace spanwatch::alert::testing {

using namespace std::chrono_literals;

// A port nobody listens on now (bound to 0 and released): the server is started on it later.
inline std::uint16_t free_loopback_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// A blocking client for checks: command({"LRANGE", "k", "0", "-1"}).
class RedisClient {
 public:
  RedisClient(std::uint16_t port, const std::string& password = {}) {
    const timeval timeout{5, 0};
    context_ = redisConnectWithTimeout("127.0.0.1", port, timeout);
    if (context_ == nullptr || context_->err != 0) throw std::runtime_error("cannot connect to redis");
    redisSetTimeout(context_, timeout);
    if (!password.empty()) command({"AUTH", password});
  }
  ~RedisClient() { redisFree(context_); }
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  Reply command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply == nullptr) throw std::runtime_error("redis command failed");
    return Reply(reply);
  }
  // The next pushed message (after SUBSCRIBE), or null after the 5 s timeout.
  Reply next_push() {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK) return nullptr;
    return Reply(static_cast<redisReply*>(reply));
  }
  std::vector<std::string> strings(const std::vector<std::string>& args) {
    const Reply reply = command(args);
    std::vector<std::string> out;
    for (std::size_t i = 0; reply->type == REDIS_REPLY_ARRAY && i < reply->elements; ++i) {
      out.emplace_back(reply->element[i]->str, reply->element[i]->len);
    }
    return out;
  }

 private:
  redisContext* context_ = nullptr;
};

// redis-server on 127.0.0.1:port, no persistence unless asked (appendonly with fsync always, so
// what it acknowledged survives a kill -9 and a restart in the same directory).
class RedisServer {
 public:
  RedisServer(std::string dir, std::uint16_t port, std::vector<std::string> extra = {})
      : dir_(std::move(dir)), port_(port), extra_(std::move(extra)) {}
  ~RedisServer() { kill(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }

  // Starts it; with wait_ready, returns once it answers PING (throws after 10 s).
  void start(bool wait_ready = true) {
    std::vector<std::string> args{SPANWATCH_REDIS_SERVER, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                  "--save", "", "--dir", dir_, "--logfile", dir_ + "/redis.log",
                                  "--daemonize", "no"};
    bool appendonly = false;
    for (const auto& arg : extra_) appendonly = appendonly || arg == "--appendonly";
    if (!appendonly) {
      args.push_back("--appendonly");
      args.push_back("no");
    }
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start redis-server");
    }
    if (wait_ready) wait_until_ready();
  }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  void wait_until_ready() const {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      const timeval timeout{1, 0};
      redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeout);
      bool ready = false;
      if (context != nullptr && context->err == 0) {
        auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
        // A password-protected server answers NOAUTH: it is up.
        ready = reply != nullptr && (reply->type == REDIS_REPLY_STATUS ||
                                     (reply->type == REDIS_REPLY_ERROR && std::string(reply->str).starts_with("NOAUTH")));
        if (reply != nullptr) freeReplyObject(reply);
      }
      if (context != nullptr) redisFree(context);
      if (ready) return;
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("redis-server did not start");
  }

 private:
  std::string dir_;
  std::uint16_t port_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds budget = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(5ms);
  }
  return true;
}

inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds time) {
  const auto deadline = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
}

}  // namespace spanwatch::alert::testing
