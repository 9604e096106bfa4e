#pragma once
// The Redis output: EVE lines to a Redis server in Suricata's modes, so that Logstash pipelines
// written for Suricata keep working: `lpush`/`rpush` (alias `list` = LPUSH) onto a list,
// `publish` (alias `channel`) to a channel, `xadd` (alias `stream`) onto a stream trimmed with
// `MAXLEN ~ N` and the line in the field `eve`. Runs on the output thread's io_context only.
//
// Protocol: commands are formatted by hiredis (redisFormatCommandArgv) and replies parsed by its
// reader (redisReader) over our own Boost.Asio TCP socket, so the connection, the backlog and the
// reconnect policy follow the syslog output. After connecting, AUTH (when a password is set),
// SELECT (when the database is not 0) and PING are sent; records go out once all three answered.
// A server still loading its data (-LOADING) is retried with backoff like an unreachable one.
//
// Pipelining: records are written as soon as they arrive, up to `batch_records` commands per write,
// without waiting for replies; each reply acknowledges the oldest unacknowledged command.
//
// Delivery: a record leaves the backlog only when its reply arrives. When the connection is lost,
// every command not yet answered is sent again on the next connection, in order: at least once.
// A command the server executed whose reply was lost with the connection is executed twice (a
// duplicate, counted in resent_records()). Unlike syslog over TCP no time window is needed: the
// replies say exactly what the server took. An error reply to a record (WRONGTYPE, OOM, ...) is
// final: that record is counted as rejected and dropped, and logged at most every 10 s. Errors
// that describe the server's state rather than the record (LOADING, BUSY, MASTERDOWN, READONLY,
// NOAUTH, TRYAGAIN) end the connection instead and the record is sent again after reconnecting.
// A full backlog refuses the NEWEST record (counted as overflow), as syslog does.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "alert/output.hpp"

namespace spanwatch::alert {

enum class RedisMode : std::uint8_t { lpush, rpush, publish, xadd };
// Suricata's names: "list" and "lpush", "rpush", "channel" and "publish", "stream" and "xadd".
std::optional<RedisMode> parse_redis_mode(std::string_view name);

struct RedisOptions {
  bool enabled = false;
  // "host:port", "[v6]:port", "host" or a bare IPv6 address; the port defaults to 6379.
  std::string address = "127.0.0.1:6379";
  RedisMode mode = RedisMode::lpush;
  // The list, channel or stream; "{event_type}" in it is replaced by the record's event type
  // ("spanwatch-{event_type}" gives spanwatch-alert, spanwatch-smb, ...).
  std::string key = "spanwatch";
  std::size_t stream_maxlen = 100000;  // xadd: MAXLEN ~ N (0: no trimming)
  bool stream_trim_exact = false;      // xadd: MAXLEN N instead of MAXLEN ~ N
  std::string stream_field = "eve";    // xadd: the field holding the EVE line
  std::string username;                // AUTH username password (Redis 6 ACL); empty: AUTH password
  std::string password;                // empty: no AUTH
  std::uint32_t database = 0;          // SELECT n when not 0
  // Event types sent ("alert", "smb", "stats", ...); "*" sends every record.
  std::vector<std::string> event_types{"*"};
  std::size_t batch_records = 64;  // commands per write (pipelined: replies are not waited for)
  std::size_t backlog_records = 10000;
  std::size_t backlog_bytes = 8 << 20;
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{30000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds error_log_interval{10000};  // rejected records are logged this rarely
};

class RedisOutput final : public Output {
 public:
  // Throws std::runtime_error for an address that does not parse, a host name that does not
  // resolve (resolved once, here) or an empty key.
  RedisOutput(boost::asio::io_context& io, RedisOptions options);
  ~RedisOutput() override;
  RedisOutput(const RedisOutput&) = delete;
  RedisOutput& operator=(const RedisOutput&) = delete;

  std::string_view name() const override;
  void write(const Record& record) override;
  void flush() override;
  void reopen() override;
  void begin_stop() override;
  bool drained() const override;
  // written: records the server acknowledged; dropped: overflow + rejected; errors: failed
  // connects, lost connections, failed handshakes and error replies; backlog: not yet acknowledged.
  OutputCounters counters() const override;
  std::string delivery_report() const override;  // + resent, rejected

  std::uint64_t rejected_records() const;  // answered with an error reply (dropped)
  std::uint64_t resent_records() const;    // sent again after a lost connection (maybe duplicated)
  bool connected() const;                  // the handshake is done and records flow

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with the pending asynchronous operations
};

}  // namespace spanwatch::alert
