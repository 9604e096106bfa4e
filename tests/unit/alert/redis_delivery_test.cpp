// The Redis output when the server is away: the bounded backlog, overflow, a server killed and
// restarted mid-run, and stopping.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "alert/redis_output.hpp"
#include "eve_test_support.hpp"
#include "redis_test_support.hpp"

using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;
namespace asio = boost::asio;

namespace {

struct Numbered {
  std::deque<std::string> lines;
  Record make(int n) {
    lines.push_back(R"({"event_type":"alert","n":)" + std::to_string(n) + "}");
    return Record{"alert", {1476605590, 0}, lines.back(), nullptr};
  }
};

int number_of(const std::string& line) {
  const auto at = line.find("\"n\":");
  return at == std::string::npos ? -1 : std::stoi(line.substr(at + 4));
}

std::vector<int> numbers_in(RedisClient& client, const std::string& key) {
  std::vector<int> out;
  for (const auto& line : client.strings({"LRANGE", key, "0", "-1"})) out.push_back(number_of(line));
  return out;
}

std::vector<int> range(int from, int to) {
  std::vector<int> out;
  for (int n = from; n < to; ++n) out.push_back(n);
  return out;
}

RedisOptions rpush_options(std::uint16_t port) {
  RedisOptions options;
  options.enabled = true;
  options.address = "127.0.0.1:" + std::to_string(port);
  options.mode = RedisMode::rpush;
  options.reconnect_initial = 10ms;
  options.reconnect_max = 100ms;
  return options;
}

}  // namespace

TEST_CASE("a server down at start: the backlog waits in order, the newest past it are refused and counted") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  asio::io_context io;
  Numbered records;
  auto options = rpush_options(server.port());
  options.backlog_records = 100;
  RedisOutput output(io, options);
  for (int n = 0; n < 150; ++n) output.write(records.make(n));
  run_for(io, 100ms);
  CHECK_FALSE(output.connected());
  CHECK(output.counters().backlog == 100);
  CHECK(output.counters().overflow == 50);
  CHECK(output.counters().dropped == 50);
  CHECK(output.counters().errors >= 1);  // failed connects
  CHECK_FALSE(output.drained());         // before begin_stop a backlog waits for its server

  server.start();
  REQUIRE(run_until(io, [&] { return output.counters().written == 100 && output.counters().backlog == 0; }));
  CHECK(output.connected());
  RedisClient client(server.port());
  CHECK(numbers_in(client, "spanwatch") == range(0, 100));
}

TEST_CASE("the backlog is also bounded in bytes") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  asio::io_context io;
  Numbered records;
  auto options = rpush_options(server.port());
  options.backlog_bytes = 1000;  // each command is about 60 bytes
  RedisOutput output(io, options);
  for (int n = 0; n < 100; ++n) output.write(records.make(n));
  const auto waiting = output.counters().backlog;
  CHECK(waiting > 10);
  CHECK(waiting < 20);
  CHECK(output.counters().overflow == 100 - waiting);

  server.start();
  REQUIRE(run_until(io, [&] { return output.counters().backlog == 0; }));
  RedisClient client(server.port());
  CHECK(numbers_in(client, "spanwatch") == range(0, static_cast<int>(waiting)));
}

TEST_CASE("a server killed and restarted mid-run: nothing within the backlog is lost, order is kept") {
  ScratchDir dir;
  // Append-only with fsync always: what the server acknowledged survives its kill -9, so what is
  // missing afterwards could only be the output's fault.
  RedisServer server(dir.file(""), free_loopback_port(), {"--appendonly", "yes", "--appendfsync", "always"});
  server.start();
  asio::io_context io;
  Numbered records;
  RedisOutput output(io, rpush_options(server.port()));
  constexpr int total = 3000;
  int next = 0;
  auto write_some = [&](int count) {
    for (int i = 0; i < count && next < total; ++i) output.write(records.make(next++));
    run_for(io, 5ms);
  };
  while (next < 1000) write_some(25);  // records in flight when the server dies
  server.kill();
  const auto errors_before = output.counters().errors;
  while (next < 2000) write_some(25);  // the server is down: into the backlog
  CHECK_FALSE(output.connected());
  CHECK(output.counters().errors > errors_before);
  server.start(false);
  while (next < total) write_some(25);
  REQUIRE(run_until(io, [&] { return output.counters().backlog == 0; }));

  CHECK(output.counters().dropped == 0);
  CHECK(output.counters().written == total);
  RedisClient client(server.port());
  const std::vector<int> stored = numbers_in(client, "spanwatch");
  // At least once: every record is there; a duplicate is only a record that was unanswered when
  // the connection broke, sent again.
  const std::set<int> distinct(stored.begin(), stored.end());
  CHECK(distinct.size() == static_cast<std::size_t>(total));
  CHECK(*distinct.begin() == 0);
  CHECK(*distinct.rbegin() == total - 1);
  CHECK(stored.size() - distinct.size() <= output.resent_records());
  // Without the repeats, the records are in the order they were written.
  std::vector<int> first_seen;
  std::set<int> seen;
  for (int n : stored)
    if (seen.insert(n).second) first_seen.push_back(n);
  CHECK(first_seen == range(0, total));
}

TEST_CASE("a server killed while the backlog overflows: what fit is delivered, the rest counted") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  asio::io_context io;
  Numbered records;
  auto options = rpush_options(server.port());
  options.backlog_records = 200;
  RedisOutput output(io, options);
  for (int n = 0; n < 50; ++n) output.write(records.make(n));
  REQUIRE(run_until(io, [&] { return output.counters().written == 50; }));
  server.kill();  // no persistence: the 50 delivered records die with it
  REQUIRE(run_until(io, [&] { return !output.connected(); }));
  for (int n = 50; n < 500; ++n) output.write(records.make(n));
  CHECK(output.counters().overflow == 250);
  server.start();
  REQUIRE(run_until(io, [&] { return output.counters().backlog == 0; }));
  CHECK(output.counters().written == 250);
  CHECK(output.counters().dropped == 250);
  RedisClient client(server.port());
  CHECK(numbers_in(client, "spanwatch") == range(50, 250));
}

TEST_CASE("stopping: a reachable server gets the backlog, and with the server down drained() ends the wait") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  asio::io_context io;
  Numbered records;
  {
    RedisOutput output(io, rpush_options(server.port()));
    for (int n = 0; n < 500; ++n) output.write(records.make(n));
    output.begin_stop();
    CHECK_FALSE(output.drained());
    REQUIRE(run_until(io, [&] { return output.drained(); }));
    CHECK(output.counters().written == 500);
  }
  server.kill();
  RedisOutput output(io, rpush_options(server.port()));
  for (int n = 0; n < 10; ++n) output.write(records.make(n));
  run_for(io, 50ms);
  output.begin_stop();
  REQUIRE(run_until(io, [&] { return output.drained(); }, 2s));
  CHECK(output.counters().backlog == 10);
  CHECK(output.counters().written == 0);
}
