#include "alert/redis_output.hpp"

#include "alert/peer_address.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

namespace spanwatch::alert {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint16_t default_port = 6379;
constexpr std::string_view event_type_placeholder = "{event_type}";

[[noreturn]] void bad_option(std::string_view what, std::string_view why) {
  throw std::runtime_error("redis: bad " + std::string(what) + ": " + std::string(why));
}

std::string_view command_name(RedisMode mode) {
  switch (mode) {
    case RedisMode::lpush: return "LPUSH";
    case RedisMode::rpush: return "RPUSH";
    case RedisMode::publish: return "PUBLISH";
    case RedisMode::xadd: return "XADD";
  }
  return "LPUSH";
}

// Appends one command, formatted by hiredis, to `out`. False only when hiredis could not allocate.
bool append_command(std::string& out, const std::vector<std::string_view>& args) {
  std::array<const char*, 8> argv{};
  std::array<std::size_t, 8> argv_length{};
  const std::size_t argc = std::min(args.size(), argv.size());
  for (std::size_t i = 0; i < argc; ++i) {
    argv[i] = args[i].data();
    argv_length[i] = args[i].size();
  }
  char* command = nullptr;
  const int length = redisFormatCommandArgv(&command, static_cast<int>(argc), argv.data(), argv_length.data());
  if (length < 0 || command == nullptr) return false;
  out.append(command, static_cast<std::size_t>(length));
  redisFreeCommand(command);
  return true;
}

// Error replies that describe the server's state, not the record: the connection is dropped and
// the record sent again once the server is usable.
bool transient_error(std::string_view message) {
  constexpr std::array<std::string_view, 6> prefixes{"LOADING", "BUSY", "MASTERDOWN", "READONLY", "NOAUTH",
                                                     "TRYAGAIN"};
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view prefix) { return message.starts_with(prefix); });
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The formatted commands not yet acknowledged, oldest first: a ring of strings whose capacity is
// kept, bounded by count and by bytes. The first `sent` of them (tracked by the output) are on the
// wire waiting for their replies.
class CommandRing {
 public:
  CommandRing(std::size_t records, std::size_t bytes) : slots_(std::max<std::size_t>(records, 1)), max_bytes_(bytes) {}

  bool has_room(std::size_t size) const { return count_ < slots_.size() && bytes_ + size <= max_bytes_; }
  // The slot the next command is formatted into; commit() makes it part of the ring.
  std::string& next() {
    std::string& slot = slots_[index(count_)];
    slot.clear();
    return slot;
  }
  void commit() {
    bytes_ += slots_[index(count_)].size();
    ++count_;
  }
  const std::string& at(std::size_t i) const { return slots_[index(i)]; }
  void pop() {
    bytes_ -= slots_[head_].size();
    head_ = index(1);
    --count_;
  }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return bytes_; }
  bool empty() const { return count_ == 0; }

 private:
  std::size_t index(std::size_t i) const { return (head_ + i) % slots_.size(); }

  std::vector<std::string> slots_;
  std::size_t max_bytes_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
};

struct ReaderDeleter {
  void operator()(redisReader* reader) const { redisReaderFree(reader); }
};
struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};
using ReaderPointer = std::unique_ptr<redisReader, ReaderDeleter>;
using ReplyPointer = std::unique_ptr<void, ReplyDeleter>;

}  // namespace

std::optional<RedisMode> parse_redis_mode(std::string_view name) {
  if (name == "list" || name == "lpush") return RedisMode::lpush;
  if (name == "rpush") return RedisMode::rpush;
  if (name == "channel" || name == "publish") return RedisMode::publish;
  if (name == "stream" || name == "xadd") return RedisMode::xadd;
  return std::nullopt;
}

class RedisOutput::Impl : public std::enable_shared_from_this<Impl> {
 public:
  // idle: nothing in progress (stopped with the server down); handshaking: AUTH/SELECT/PING sent,
  // waiting for their replies; waiting: for the reconnect timer.
  enum class State : std::uint8_t { idle, connecting, handshaking, connected, waiting };

  Impl(asio::io_context& io, RedisOptions options)
      : options_(std::move(options)),
        endpoints_(resolve_tcp(io, "redis", options_.address, default_port)),
        backlog_(options_.backlog_records, options_.backlog_bytes),
        every_event_type_(std::find(options_.event_types.begin(), options_.event_types.end(), "*") !=
                          options_.event_types.end()),
        socket_(io),
        timer_(io),
        connect_timer_(io),
        backoff_(options_.reconnect_initial),
        last_error_log_(Clock::now() - options_.error_log_interval) {
    if (options_.key.empty()) bad_option("key", "it must not be empty");
    options_.batch_records = std::max<std::size_t>(options_.batch_records, 1);
    name_ = "redis " + std::string(command_name(options_.mode)) + " " + options_.address + " " + options_.key;
    maxlen_text_ = std::to_string(options_.stream_maxlen);
    build_handshake();
    gather_.reserve(options_.batch_records);
    args_.reserve(8);
  }

  void start() { start_connect(); }

  void shutdown() {
    shut_down_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    connect_timer_.cancel();
    socket_.close(ignored);
  }

  std::string_view name() const { return name_; }

  void write(const Record& record) {
    if (!selected(record)) return;
    if (!backlog_.has_room(0)) {
      overflowed();
      return;
    }
    fill_key(record.event_type);
    args_.clear();
    args_.push_back(command_name(options_.mode));
    args_.push_back(key_);
    if (options_.mode == RedisMode::xadd) {
      if (options_.stream_maxlen != 0) {
        args_.push_back("MAXLEN");
        if (!options_.stream_trim_exact) args_.push_back("~");
        args_.push_back(maxlen_text_);
      }
      args_.push_back("*");
      args_.push_back(options_.stream_field);
    }
    args_.push_back(record.line);
    std::string& command = backlog_.next();
    if (!append_command(command, args_)) {
      ++errors_;
      ++dropped_;
      return;
    }
    if (!backlog_.has_room(command.size())) {
      overflowed();
      return;
    }
    if (overflowing_) {
      overflowing_ = false;
      spdlog::info("{}: backlog has room again; {} records were dropped", name_, overflow_ - overflow_at_start_);
    }
    backlog_.commit();
    start_write();
  }

  void flush() { start_write(); }

  void reopen() {
    if (state_ != State::waiting || stopping_) return;
    timer_.cancel();
    backoff_ = options_.reconnect_initial;
    start_connect();
  }

  void begin_stop() {
    stopping_ = true;
    if (state_ == State::waiting) {
      timer_.cancel();
      state_ = State::idle;
    }
  }

  // Before begin_stop() a backlog always waits for its server; after it, a server that is down
  // ends the wait.
  bool drained() const {
    if (backlog_.empty()) return true;
    return stopping_ && (state_ == State::idle || state_ == State::waiting);
  }

  OutputCounters counters() const { return {written_, dropped_, overflow_, errors_, backlog_.size()}; }
  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t resent() const { return resent_; }
  bool connected() const { return state_ == State::connected; }

 private:
  void build_handshake() {
    if (!options_.password.empty()) {
      if (options_.username.empty()) {
        append_command(handshake_, {"AUTH", options_.password});
      } else {
        append_command(handshake_, {"AUTH", options_.username, options_.password});
      }
      ++handshake_commands_;
    }
    if (options_.database != 0) {
      const std::string database = std::to_string(options_.database);
      append_command(handshake_, {"SELECT", database});
      ++handshake_commands_;
    }
    append_command(handshake_, {"PING"});
    ++handshake_commands_;
  }

  bool selected(const Record& record) const {
    if (every_event_type_) return true;
    return std::find(options_.event_types.begin(), options_.event_types.end(), record.event_type) !=
           options_.event_types.end();
  }

  // The key with every "{event_type}" replaced, into a reused string.
  void fill_key(std::string_view event_type) {
    const std::string_view pattern = options_.key;
    key_.clear();
    std::size_t from = 0;
    for (auto at = pattern.find(event_type_placeholder); at != std::string_view::npos;
         at = pattern.find(event_type_placeholder, from)) {
      key_.append(pattern.substr(from, at - from));
      key_.append(event_type);
      from = at + event_type_placeholder.size();
    }
    key_.append(pattern.substr(from));
  }

  void overflowed() {
    ++overflow_;
    ++dropped_;
    if (overflowing_) return;
    overflowing_ = true;
    overflow_at_start_ = overflow_ - 1;
    spdlog::warn("{}: backlog full ({} records, {} bytes); dropping new records until it drains (counted)", name_,
                 backlog_.size(), backlog_.bytes());
  }

  void schedule_retry() {
    state_ = State::waiting;
    if (stopping_) return;  // no more attempts: drained() reports the server down
    timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->shut_down_ || self->state_ != State::waiting) return;
      self->start_connect();
    });
  }

  // Logged once per outage; the outage ends when a handshake completes.
  void note_failure(std::string_view what, std::string_view why) {
    ++errors_;
    if (failing_) return;
    failing_ = true;
    outage_start_ = Clock::now();
    spdlog::warn("{}: {}: {}; retrying with backoff up to {} ms ({} records waiting)", name_, what, why,
                 options_.reconnect_max.count(), backlog_.size());
  }

  void start_connect() {
    state_ = State::connecting;
    boost::system::error_code ignored;
    socket_.close(ignored);
    const auto generation = ++generation_;
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& error) {
      if (error || self->shut_down_ || generation != self->generation_ || self->state_ != State::connecting) return;
      boost::system::error_code ignored_close;
      self->socket_.close(ignored_close);  // the connect completes with operation_aborted
    });
    asio::async_connect(socket_, endpoints_,
                        [self = shared_from_this(), generation](const boost::system::error_code& error,
                                                                const asio::ip::tcp::endpoint&) {
                          if (self->shut_down_ || generation != self->generation_) return;
                          self->on_connect(error);
                        });
  }

  void on_connect(const boost::system::error_code& error) {
    connect_timer_.cancel();
    if (error) {
      note_failure("connect failed", error == asio::error::operation_aborted ? "timed out" : error.message());
      schedule_retry();
      return;
    }
    boost::system::error_code ignored;
    socket_.set_option(asio::socket_base::keep_alive(true), ignored);
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);  // pipelined replies, no Nagle delay
    reader_.reset(redisReaderCreate());
    state_ = State::handshaking;
    handshake_pending_ = handshake_commands_;
    handshake_written_ = false;
    sent_ = 0;
    start_read();
    start_write();
  }

  void start_read() {
    socket_.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this(), generation = generation_](
                                                            const boost::system::error_code& error, std::size_t n) {
      if (self->shut_down_ || generation != self->generation_) return;
      if (error) {
        self->connection_lost(error == asio::error::eof ? "closed by the server" : error.message());
        return;
      }
      self->on_read(n, generation);
    });
  }

  void on_read(std::size_t n, std::uint64_t generation) {
    if (redisReaderFeed(reader_.get(), read_buffer_.data(), n) != REDIS_OK) {
      connection_lost("cannot read the reply");
      return;
    }
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
        connection_lost(std::string("protocol error: ") + reader_->errstr);
        return;
      }
      if (raw == nullptr) break;
      const ReplyPointer reply(raw);
      on_reply(*static_cast<const redisReply*>(raw));
      if (generation != generation_) return;  // the reply ended the connection
    }
    start_read();
  }

  void on_reply(const redisReply& reply) {
    const bool error = reply.type == REDIS_REPLY_ERROR;
    const std::string_view text = error ? std::string_view(reply.str, reply.len) : std::string_view{};
    if (handshake_pending_ > 0) {
      --handshake_pending_;
      if (error) {
        handshake_failed(text);
        return;
      }
      if (handshake_pending_ == 0) handshake_done();
      return;
    }
    if (sent_ == 0) {
      connection_lost("a reply to no command");
      return;
    }
    if (error && transient_error(text)) {
      connection_lost(std::string(text));
      return;
    }
    if (error) rejected(text);
    else ++written_;
    backlog_.pop();
    --sent_;
    start_write();
  }

  void rejected(std::string_view text) {
    ++rejected_;
    ++dropped_;
    ++errors_;
    const auto now = Clock::now();
    if (now - last_error_log_ < options_.error_log_interval) return;
    spdlog::warn("{}: the server refused a record: {} ({} refused so far)", name_, text, rejected_);
    last_error_log_ = now;
  }

  void handshake_done() {
    state_ = State::connected;
    backoff_ = options_.reconnect_initial;
    if (!ever_connected_) {
      spdlog::info("{}: connected", name_);
    } else if (failing_) {
      spdlog::info("{}: reconnected after {:.1f} s with {} records waiting", name_, seconds_since(outage_start_),
                   backlog_.size());
    }
    ever_connected_ = true;
    failing_ = false;
    start_write();
  }

  void handshake_failed(std::string_view text) {
    ++generation_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    note_failure("the server refused the connection", text);
    schedule_retry();  // the backoff keeps growing while the handshake fails
  }

  void start_write() {
    if (writing_) return;
    if (state_ == State::handshaking && !handshake_written_) {
      handshake_written_ = true;
      write_buffers({asio::buffer(handshake_)});
      return;
    }
    if (state_ != State::connected || sent_ >= backlog_.size()) return;
    gather_.clear();
    const std::size_t count = std::min(backlog_.size() - sent_, options_.batch_records);
    for (std::size_t i = 0; i < count; ++i) gather_.push_back(asio::buffer(backlog_.at(sent_ + i)));
    // Counted as sent now: a reply may arrive before the write's completion runs. Slots answered
    // meanwhile are wholly written, so the write never reads a slot that is reused.
    sent_ += count;
    write_buffers(gather_);
  }

  void write_buffers(const std::vector<asio::const_buffer>& buffers) {
    writing_ = true;
    asio::async_write(socket_, buffers,
                      [self = shared_from_this(), generation = generation_](const boost::system::error_code& error,
                                                                            std::size_t) {
                        if (self->shut_down_) return;
                        self->writing_ = false;
                        if (generation == self->generation_ && error) {
                          self->connection_lost(error.message());
                          return;
                        }
                        self->start_write();  // after a lost connection: once the next one is ready
                      });
  }

  void connection_lost(const std::string& why) {
    if (state_ != State::connected && state_ != State::handshaking) return;
    ++generation_;  // completions of the old connection's operations are stale from now on
    boost::system::error_code ignored;
    socket_.close(ignored);
    resent_ += sent_;  // unanswered: sent again on the next connection (the server may have them)
    const std::size_t unanswered = sent_;
    sent_ = 0;
    ++errors_;
    if (!failing_) {
      failing_ = true;
      outage_start_ = Clock::now();
    }
    spdlog::warn("{}: connection lost: {}; {} records waiting ({} unanswered, sent again on reconnect)", name_, why,
                 backlog_.size(), unanswered);
    backoff_ = options_.reconnect_initial;
    schedule_retry();
  }

  RedisOptions options_;
  std::vector<asio::ip::tcp::endpoint> endpoints_;
  CommandRing backlog_;
  bool every_event_type_;
  std::string name_;
  std::string maxlen_text_;
  std::string handshake_;  // AUTH, SELECT, PING, formatted once
  std::size_t handshake_commands_ = 0;
  std::string key_;                     // reused
  std::vector<std::string_view> args_;  // reused

  asio::ip::tcp::socket socket_;
  ReaderPointer reader_;
  std::vector<asio::const_buffer> gather_;
  std::array<char, 16384> read_buffer_{};
  asio::steady_timer timer_;          // reconnect
  asio::steady_timer connect_timer_;  // bounds one connect attempt

  State state_ = State::idle;
  std::uint64_t generation_ = 0;  // of the connection (attempt)
  std::chrono::milliseconds backoff_;
  Clock::time_point outage_start_{};
  Clock::time_point last_error_log_;
  std::size_t sent_ = 0;  // commands at the backlog's front written and not yet answered
  std::size_t handshake_pending_ = 0;
  bool handshake_written_ = false;
  bool writing_ = false;
  bool failing_ = false;  // an outage is in progress and has been logged
  bool ever_connected_ = false;
  bool overflowing_ = false;
  bool stopping_ = false;
  bool shut_down_ = false;
  std::uint64_t overflow_at_start_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t errors_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t resent_ = 0;
};

RedisOutput::RedisOutput(asio::io_context& io, RedisOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {
  impl_->start();
}

RedisOutput::~RedisOutput() { impl_->shutdown(); }

std::string_view RedisOutput::name() const { return impl_->name(); }
void RedisOutput::write(const Record& record) { impl_->write(record); }
void RedisOutput::flush() { impl_->flush(); }
void RedisOutput::reopen() { impl_->reopen(); }
void RedisOutput::begin_stop() { impl_->begin_stop(); }
bool RedisOutput::drained() const { return impl_->drained(); }
OutputCounters RedisOutput::counters() const { return impl_->counters(); }
std::string RedisOutput::delivery_report() const {
  return fmt::format("{} resent={} rejected={}", format_output_counters(counters()), impl_->resent(), impl_->rejected());
}
std::uint64_t RedisOutput::rejected_records() const { return impl_->rejected(); }
std::uint64_t RedisOutput::resent_records() const { return impl_->resent(); }
bool RedisOutput::connected() const { return impl_->connected(); }

}  // namespace spanwatch::alert
