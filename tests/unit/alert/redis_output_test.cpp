// The Redis output against a real redis-server: each of Suricata's modes, key patterns, AUTH and
// SELECT, and error replies.
#include <catch2/catch.hpp>

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "alert/redis_output.hpp"
#include "eve_test_support.hpp"
#include "redis_test_support.hpp"

using namespace spanwatch::alert;
using namespace spanwatch::alert::testing;
namespace asio = boost::asio;

namespace {

// EVE-like lines numbered n, each with its event type; lines live as long as the object.
struct Lines {
  std::deque<std::string> lines;
  Record make(int n, std::string_view event_type = "alert") {
    lines.push_back(R"({"event_type":")" + std::string(event_type) + R"(","n":)" + std::to_string(n) +
                    R"(,"note":"caf\u00e9 \"quoted\""})");
    return Record{event_type, {1476605590, 0}, lines.back(), nullptr};
  }
};

RedisOptions options_for(std::uint16_t port, RedisMode mode, std::string key = "spanwatch") {
  RedisOptions options;
  options.enabled = true;
  options.address = "127.0.0.1:" + std::to_string(port);
  options.mode = mode;
  options.key = std::move(key);
  options.reconnect_initial = 10ms;
  options.reconnect_max = 100ms;
  return options;
}

bool all_written(const RedisOutput& output, std::uint64_t count) {
  return output.counters().written == count && output.counters().backlog == 0;
}

}  // namespace

TEST_CASE("Suricata's mode names map to the Redis commands") {
  CHECK(parse_redis_mode("list") == RedisMode::lpush);
  CHECK(parse_redis_mode("lpush") == RedisMode::lpush);
  CHECK(parse_redis_mode("rpush") == RedisMode::rpush);
  CHECK(parse_redis_mode("channel") == RedisMode::publish);
  CHECK(parse_redis_mode("publish") == RedisMode::publish);
  CHECK(parse_redis_mode("stream") == RedisMode::xadd);
  CHECK(parse_redis_mode("xadd") == RedisMode::xadd);
  CHECK_FALSE(parse_redis_mode("set").has_value());
}

TEST_CASE("a bad address or an empty key is refused at construction") {
  asio::io_context io;
  RedisOptions options;
  options.address = "127.0.0.1:0";
  CHECK_THROWS_AS(RedisOutput(io, options), std::runtime_error);
  options.address = "[::1";
  CHECK_THROWS_AS(RedisOutput(io, options), std::runtime_error);
  options.address = "127.0.0.1";
  options.key = "";
  CHECK_THROWS_AS(RedisOutput(io, options), std::runtime_error);
}

TEST_CASE("list mode: LPUSH and RPUSH store every line byte for byte, in order") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  asio::io_context io;
  Lines lines;
  RedisOutput lpush(io, options_for(server.port(), RedisMode::lpush, "sw-left"));
  RedisOutput rpush(io, options_for(server.port(), RedisMode::rpush, "sw-right"));
  for (int n = 0; n < 300; ++n) {
    const Record record = lines.make(n);
    lpush.write(record);
    rpush.write(record);
  }
  REQUIRE(run_until(io, [&] { return all_written(lpush, 300) && all_written(rpush, 300); }));
  CHECK(lpush.connected());
  CHECK(lpush.counters().dropped == 0);
  CHECK(lpush.counters().errors == 0);

  RedisClient client(server.port());
  const std::vector<std::string> sent(lines.lines.begin(), lines.lines.begin() + 300);
  CHECK(client.strings({"LRANGE", "sw-right", "0", "-1"}) == sent);
  const std::vector<std::string> reversed(sent.rbegin(), sent.rend());  // LPUSH: newest first
  CHECK(client.strings({"LRANGE", "sw-left", "0", "-1"}) == reversed);
}

TEST_CASE("a key pattern puts each event type under its own key, and unselected types are not sent") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  asio::io_context io;
  Lines lines;
  auto options = options_for(server.port(), RedisMode::rpush, "spanwatch-{event_type}");
  options.event_types = {"alert", "smb"};
  RedisOutput output(io, options);
  output.write(lines.make(0, "alert"));
  output.write(lines.make(1, "smb"));
  output.write(lines.make(2, "stats"));
  output.write(lines.make(3, "alert"));
  REQUIRE(run_until(io, [&] { return all_written(output, 3); }));

  RedisClient client(server.port());
  CHECK(client.strings({"LRANGE", "spanwatch-alert", "0", "-1"}) ==
        std::vector<std::string>{lines.lines[0], lines.lines[3]});
  CHECK(client.strings({"LRANGE", "spanwatch-smb", "0", "-1"}) == std::vector<std::string>{lines.lines[1]});
  CHECK(client.command({"EXISTS", "spanwatch-stats"})->integer == 0);
}

TEST_CASE("channel mode: PUBLISH reaches a subscriber in order") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  RedisClient subscriber(server.port());
  const Reply subscribed = subscriber.command({"SUBSCRIBE", "sw-channel"});
  REQUIRE(subscribed->type == REDIS_REPLY_ARRAY);

  asio::io_context io;
  Lines lines;
  RedisOutput output(io, options_for(server.port(), RedisMode::publish, "sw-channel"));
  for (int n = 0; n < 100; ++n) output.write(lines.make(n));
  REQUIRE(run_until(io, [&] { return all_written(output, 100); }));

  for (int n = 0; n < 100; ++n) {
    const Reply message = subscriber.next_push();
    REQUIRE(message != nullptr);
    REQUIRE(message->elements == 3);
    CHECK(std::string(message->element[0]->str) == "message");
    CHECK(std::string(message->element[1]->str) == "sw-channel");
    CHECK(std::string(message->element[2]->str, message->element[2]->len) == lines.lines[n]);
  }
}

TEST_CASE("stream mode: XADD stores the line in field eve and trims to MAXLEN") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  asio::io_context io;
  Lines lines;
  RedisOutput approximate(io, options_for(server.port(), RedisMode::xadd, "sw-stream"));
  auto exact_options = options_for(server.port(), RedisMode::xadd, "sw-trimmed");
  exact_options.stream_maxlen = 10;
  exact_options.stream_trim_exact = true;
  RedisOutput exact(io, exact_options);
  for (int n = 0; n < 50; ++n) {
    const Record record = lines.make(n);
    approximate.write(record);
    exact.write(record);
  }
  REQUIRE(run_until(io, [&] { return all_written(approximate, 50) && all_written(exact, 50); }));

  RedisClient client(server.port());
  const Reply entries = client.command({"XRANGE", "sw-stream", "-", "+"});
  REQUIRE(entries->elements == 50);
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const redisReply* fields = entries->element[i]->element[1];
    REQUIRE(fields->elements == 2);
    CHECK(std::string(fields->element[0]->str) == "eve");
    CHECK(std::string(fields->element[1]->str, fields->element[1]->len) == lines.lines[i]);
  }
  CHECK(client.command({"XLEN", "sw-trimmed"})->integer == 10);
  const Reply last = client.command({"XREVRANGE", "sw-trimmed", "+", "-", "COUNT", "1"});
  REQUIRE(last->elements == 1);
  CHECK(std::string(last->element[0]->element[1]->element[1]->str) == lines.lines[49]);
}

TEST_CASE("AUTH and SELECT: records land in the configured database of a password-protected server") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port(), {"--requirepass", "s3cret"});
  server.start();
  asio::io_context io;
  Lines lines;
  auto options = options_for(server.port(), RedisMode::rpush);
  options.password = "s3cret";
  options.database = 3;
  RedisOutput output(io, options);
  for (int n = 0; n < 20; ++n) output.write(lines.make(n));
  REQUIRE(run_until(io, [&] { return all_written(output, 20); }));

  RedisClient client(server.port(), "s3cret");
  CHECK(client.command({"LLEN", "spanwatch"})->integer == 0);  // database 0
  client.command({"SELECT", "3"});
  CHECK(client.command({"LLEN", "spanwatch"})->integer == 20);
}

TEST_CASE("a wrong password keeps the records waiting and counts the refusals") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port(), {"--requirepass", "s3cret"});
  server.start();
  asio::io_context io;
  Lines lines;
  auto options = options_for(server.port(), RedisMode::rpush);
  options.password = "wrong";
  RedisOutput output(io, options);
  for (int n = 0; n < 5; ++n) output.write(lines.make(n));
  REQUIRE(run_until(io, [&] { return output.counters().errors >= 2; }));
  CHECK_FALSE(output.connected());
  CHECK(output.counters().written == 0);
  CHECK(output.counters().dropped == 0);
  CHECK(output.counters().backlog == 5);
  output.begin_stop();
  CHECK(run_until(io, [&] { return output.drained(); }, 2s));
}

TEST_CASE("an error reply rejects only its record (counted) and the records around it are delivered") {
  ScratchDir dir;
  RedisServer server(dir.file(""), free_loopback_port());
  server.start();
  RedisClient client(server.port());
  client.command({"SET", "sw-smb", "not a list"});  // RPUSH onto it: WRONGTYPE

  asio::io_context io;
  Lines lines;
  RedisOutput output(io, options_for(server.port(), RedisMode::rpush, "sw-{event_type}"));
  for (int n = 0; n < 30; ++n) output.write(lines.make(n, n % 3 == 1 ? "smb" : "alert"));
  REQUIRE(run_until(io, [&] { return output.counters().backlog == 0 && output.counters().written == 20; }));
  CHECK(output.rejected_records() == 10);
  CHECK(output.counters().dropped == 10);
  CHECK(output.counters().overflow == 0);
  CHECK(output.connected());  // a refused record does not end the connection

  std::vector<std::string> alerts;
  for (int n = 0; n < 30; ++n)
    if (n % 3 != 1) alerts.push_back(lines.lines[n]);
  CHECK(client.strings({"LRANGE", "sw-alert", "0", "-1"}) == alerts);
}
