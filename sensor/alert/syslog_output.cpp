#include "alert/syslog_output.hpp"

#include "alert/peer_address.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace spanwatch::alert {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_messages_per_write = 64;

std::size_t default_max_message(SyslogTransport transport) {
  return transport == SyslogTransport::udp ? 2048 : 8192;
}

// Cuts `message` to at most `limit` bytes without splitting a UTF-8 sequence.
bool cut_to(std::string& message, std::size_t limit) {
  if (message.size() <= limit) return false;
  std::size_t length = limit;
  while (length > 0 && (static_cast<unsigned char>(message[length]) & 0xC0) == 0x80) --length;
  message.resize(length);
  return true;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The messages waiting to go out, oldest first: a ring of strings whose capacity is kept, so that a
// steady stream allocates nothing once every slot has grown. Bounded by count and by bytes (of the
// waiting messages). In front of them, slots not yet reused keep the messages already written, with
// the time they were written: after a TCP reset the most recent ones can be put back (rewind()).
class Backlog {
 public:
  Backlog(std::size_t records, std::size_t bytes)
      : slots_(std::max<std::size_t>(records, 1)), written_at_(slots_.size()), max_bytes_(bytes) {}

  bool has_room(std::size_t size) const { return count_ < slots_.size() && bytes_ + size <= max_bytes_; }
  void push(std::string_view prefix, std::string_view message) {
    if (retained_ + count_ == slots_.size()) forget_oldest_written();
    std::string& slot = slots_[index(retained_ + count_)];
    slot.assign(prefix);
    slot.append(message);
    bytes_ += slot.size();
    ++count_;
  }
  // The i-th waiting message.
  const std::string& at(std::size_t i) const { return slots_[index(retained_ + i)]; }
  // The first waiting message was written (kept until its slot is needed, or dropped at once).
  void pop(Clock::time_point now, bool keep) {
    const std::size_t slot = index(retained_);
    bytes_ -= slots_[slot].size();
    written_at_[slot] = now;
    --count_;
    ++retained_;
    if (!keep) forget_oldest_written();
  }
  // Puts the messages written at or after `since` back in front of the waiting ones; returns how many.
  std::size_t rewind(Clock::time_point since) {
    std::size_t n = 0;
    while (retained_ > 0 && written_at_[index(retained_ - 1)] >= since) {
      --retained_;
      ++count_;
      bytes_ += slots_[index(retained_)].size();
      ++n;
    }
    return n;
  }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return bytes_; }
  bool empty() const { return count_ == 0; }

 private:
  std::size_t index(std::size_t i) const { return (head_ + i) % slots_.size(); }
  void forget_oldest_written() {
    head_ = index(1);
    --retained_;
  }

  std::vector<std::string> slots_;
  std::vector<Clock::time_point> written_at_;
  std::size_t max_bytes_;
  std::size_t head_ = 0;      // the oldest written message kept
  std::size_t retained_ = 0;  // written messages kept in front of the waiting ones
  std::size_t count_ = 0;     // waiting messages
  std::size_t bytes_ = 0;     // of the waiting messages
};

}  // namespace

std::optional<SyslogTransport> parse_syslog_transport(std::string_view name) {
  if (name == "unix") return SyslogTransport::unix_datagram;
  if (name == "udp") return SyslogTransport::udp;
  if (name == "tcp") return SyslogTransport::tcp;
  return std::nullopt;
}

class SyslogOutput::Impl : public std::enable_shared_from_this<Impl> {
 public:
  // idle: nothing in progress (datagram: the last send worked; tcp: stopped with the peer down).
  enum class State : std::uint8_t { idle, connecting, connected, waiting };

  Impl(asio::io_context& io, SyslogOptions options)
      : io_(io),
        options_(std::move(options)),
        format_(make_syslog_format({options_.facility, options_.hostname, options_.app_name, {}, options_.msgid,
                                    options_.message})),
        backlog_(options_.backlog_records, options_.backlog_bytes),
        max_message_(options_.max_message_bytes != 0 ? options_.max_message_bytes
                                                     : default_max_message(options_.transport)),
        every_event_type_(std::find(options_.event_types.begin(), options_.event_types.end(), "*") !=
                          options_.event_types.end()),
        unix_socket_(io),
        udp_socket_(io),
        tcp_socket_(io),
        timer_(io),
        connect_timer_(io),
        backoff_(options_.reconnect_initial) {
    open_destination();
    gather_.reserve(max_messages_per_write);
  }

  void start() {
    if (options_.transport == SyslogTransport::tcp) start_connect();
  }

  void shutdown() {
    shut_down_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    connect_timer_.cancel();
    tcp_socket_.close(ignored);
    udp_socket_.close(ignored);
    unix_socket_.close(ignored);
  }

  std::string_view name() const { return name_; }

  void write(const Record& record) {
    if (!selected(record)) return;
    format_syslog(format_, record, message_);
    if (cut_to(message_, max_message_)) ++truncated_;
    if (options_.transport == SyslogTransport::tcp) {
      char length[24];
      const auto end = std::to_chars(length, length + sizeof length - 1, message_.size()).ptr;
      *end = ' ';
      enqueue({length, static_cast<std::size_t>(end + 1 - length)});
      start_write();
      return;
    }
    if (backlog_.empty() && state_ == State::idle) {
      const auto error = send_datagram(message_);
      if (!error) {
        ++written_;
        return;
      }
      if (!datagram_failed(error)) return;  // dropped: it could never be sent
    }
    enqueue({});
  }

  void flush() {
    if (options_.transport == SyslogTransport::tcp) {
      start_write();
    } else if (state_ == State::idle) {
      drain_datagrams();
    }
  }

  void reopen() {
    if (state_ != State::waiting || stopping_) return;
    timer_.cancel();
    backoff_ = options_.reconnect_initial;
    if (options_.transport == SyslogTransport::tcp) {
      start_connect();
    } else {
      state_ = State::idle;
      drain_datagrams();
    }
  }

  void begin_stop() {
    stopping_ = true;
    if (options_.transport != SyslogTransport::tcp) {
      if (state_ == State::waiting) {
        timer_.cancel();
        state_ = State::idle;
        drain_datagrams();  // one last attempt; a failure leaves it waiting, which counts as drained
      }
      return;
    }
    if (state_ == State::waiting) {
      timer_.cancel();
      state_ = State::idle;
    }
  }

  // Before begin_stop() a backlog always waits for its peer; after it, a peer that is down ends the wait.
  bool drained() const {
    if (backlog_.empty()) return true;
    if (!stopping_) return false;
    if (options_.transport == SyslogTransport::tcp) return state_ == State::idle || state_ == State::waiting;
    return state_ == State::waiting;
  }

  OutputCounters counters() const { return {written_, dropped_, overflow_, errors_, backlog_.size()}; }
  std::uint64_t truncated() const { return truncated_; }
  std::uint64_t replayed() const { return replayed_; }
  bool connected() const {
    return options_.transport == SyslogTransport::tcp ? state_ == State::connected : state_ == State::idle;
  }

 private:
  void open_destination() {
    std::string address = options_.address;
    switch (options_.transport) {
      case SyslogTransport::unix_datagram:
        if (address.empty()) address = "/dev/log";
        unix_endpoint_ = asio::local::datagram_protocol::endpoint(address);
        unix_socket_.open();
        unix_socket_.non_blocking(true);
        name_ = "syslog unix " + address;
        return;
      case SyslogTransport::udp: {
        udp_endpoint_ = resolve_udp(io_, "syslog", address, 514).front();
        udp_socket_.open(udp_endpoint_.protocol());
        udp_socket_.non_blocking(true);
        name_ = "syslog udp " + address;
        return;
      }
      case SyslogTransport::tcp: {
        tcp_endpoints_ = resolve_tcp(io_, "syslog", address, 601);
        name_ = "syslog tcp " + address;
        return;
      }
    }
  }

  bool selected(const Record& record) const {
    if (every_event_type_) return true;
    return std::find(options_.event_types.begin(), options_.event_types.end(), record.event_type) !=
           options_.event_types.end();
  }

  void enqueue(std::string_view prefix) {
    const std::size_t size = prefix.size() + message_.size();
    if (!backlog_.has_room(size)) {
      ++overflow_;
      ++dropped_;
      if (!overflowing_) {
        overflowing_ = true;
        overflow_at_start_ = overflow_ - 1;
        spdlog::warn("{}: backlog full ({} records, {} bytes); dropping new records until it drains (counted)",
                     name_, backlog_.size(), backlog_.bytes());
      }
      return;
    }
    if (overflowing_) {
      overflowing_ = false;
      spdlog::info("{}: backlog has room again; {} records were dropped", name_, overflow_ - overflow_at_start_);
    }
    backlog_.push(prefix, message_);
  }

  // ---- unix and udp: one non-blocking send per message ----

  boost::system::error_code send_datagram(std::string_view message) {
    boost::system::error_code error;
    if (options_.transport == SyslogTransport::udp) {
      udp_socket_.send_to(asio::buffer(message.data(), message.size()), udp_endpoint_, 0, error);
    } else {
      unix_socket_.send_to(asio::buffer(message.data(), message.size()), unix_endpoint_, 0, error);
    }
    return error;
  }

  // Counts a failed send. Returns whether the message is worth keeping for a retry (a message too
  // large for the socket never will be: it is dropped).
  bool datagram_failed(const boost::system::error_code& error) {
    ++errors_;
    if (error == asio::error::message_size) {
      ++dropped_;
      return false;
    }
    if (!failing_) {
      failing_ = true;
      outage_start_ = Clock::now();
      spdlog::warn("{}: send failed: {}; holding records in the backlog and retrying", name_, error.message());
    }
    schedule_retry();
    return true;
  }

  void drain_datagrams() {
    const std::size_t waiting = backlog_.size();
    while (!backlog_.empty()) {
      const auto error = send_datagram(backlog_.at(0));
      if (error) {
        if (datagram_failed(error)) return;
      } else {
        ++written_;
      }
      backlog_.pop(Clock::time_point{}, false);
    }
    if (failing_) {
      failing_ = false;
      backoff_ = options_.reconnect_initial;
      spdlog::info("{}: sending again after {:.1f} s; {} records were waiting", name_, seconds_since(outage_start_),
                   waiting);
    }
  }

  void schedule_retry() {
    if (stopping_) {
      state_ = State::waiting;  // no more attempts: drained() reports the peer down
      return;
    }
    state_ = State::waiting;
    timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->shut_down_ || self->state_ != State::waiting) return;
      if (self->options_.transport == SyslogTransport::tcp) {
        self->start_connect();
      } else {
        self->state_ = State::idle;
        self->drain_datagrams();
      }
    });
  }

  // ---- tcp: one connection, octet-counted frames written in order ----

  void start_connect() {
    state_ = State::connecting;
    boost::system::error_code ignored;
    tcp_socket_.close(ignored);
    const auto generation = ++generation_;
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& error) {
      if (error || self->shut_down_ || generation != self->generation_ || self->state_ != State::connecting) return;
      boost::system::error_code ignored_close;
      self->tcp_socket_.close(ignored_close);  // the connect completes with operation_aborted
    });
    asio::async_connect(tcp_socket_, tcp_endpoints_,
                        [self = shared_from_this(), generation](const boost::system::error_code& error,
                                                                const asio::ip::tcp::endpoint&) {
                          if (self->shut_down_ || generation != self->generation_) return;
                          self->on_connect(error);
                        });
  }

  void on_connect(const boost::system::error_code& error) {
    connect_timer_.cancel();
    if (error) {
      ++errors_;
      if (!failing_) {
        failing_ = true;
        outage_start_ = Clock::now();
        spdlog::warn("{}: connect failed: {}; retrying with backoff up to {} ms ({} records waiting)", name_,
                     error == asio::error::operation_aborted ? "timed out" : error.message(),
                     options_.reconnect_max.count(), backlog_.size());
      }
      schedule_retry();
      return;
    }
    state_ = State::connected;
    backoff_ = options_.reconnect_initial;
    boost::system::error_code ignored;
    tcp_socket_.set_option(asio::socket_base::keep_alive(true), ignored);
    if (!ever_connected_) {
      spdlog::info("{}: connected", name_);
    } else {
      spdlog::info("{}: reconnected after {:.1f} s with {} records waiting", name_, seconds_since(outage_start_),
                   backlog_.size());
    }
    ever_connected_ = true;
    failing_ = false;
    start_read();
    start_write();
  }

  // Receivers never send: a read completes only when the peer closes or resets the connection.
  void start_read() {
    tcp_socket_.async_read_some(asio::buffer(read_buffer_),
                                [self = shared_from_this(), generation = generation_](
                                    const boost::system::error_code& error, std::size_t) {
                                  if (self->shut_down_ || generation != self->generation_) return;
                                  if (error) {
                                    self->connection_lost(error);
                                  } else {
                                    self->start_read();
                                  }
                                });
  }

  void start_write() {
    if (state_ != State::connected || writing_ || backlog_.empty()) return;
    gather_.clear();
    const std::size_t count = std::min(backlog_.size(), max_messages_per_write);
    for (std::size_t i = 0; i < count; ++i) gather_.push_back(asio::buffer(backlog_.at(i)));
    writing_ = true;
    asio::async_write(tcp_socket_, gather_,
                      [self = shared_from_this(), generation = generation_](const boost::system::error_code& error,
                                                                            std::size_t bytes) {
                        if (self->shut_down_) return;
                        self->on_written(error, bytes, generation);
                      });
  }

  void on_written(const boost::system::error_code& error, std::size_t bytes, std::uint64_t generation) {
    writing_ = false;
    if (generation != generation_) {
      // The connection was lost (and the backlog perhaps rewound) meanwhile: these messages stay
      // waiting and go out again on the next connection.
      start_write();
      return;
    }
    // Messages wholly handed to the kernel are done; a partly written one is sent again, whole, on
    // the next connection (the broken frame dies with the old one).
    const auto now = Clock::now();
    while (!backlog_.empty() && backlog_.at(0).size() <= bytes) {
      bytes -= backlog_.at(0).size();
      backlog_.pop(now, options_.reset_replay.count() > 0);
      ++written_;
    }
    if (error) {
      ++errors_;
      connection_lost(error);
      return;
    }
    start_write();
  }

  void connection_lost(const boost::system::error_code& error) {
    if (state_ != State::connected) return;
    ++generation_;  // completions of the old connection's operations are stale from now on
    boost::system::error_code ignored;
    tcp_socket_.close(ignored);
    failing_ = true;
    outage_start_ = Clock::now();
    // A peer that closes with our data still unread in its socket answers with a reset (a clean
    // close is a FIN): what it discarded is among the messages written last. Send those again
    // (at least once: some may arrive twice).
    std::size_t replayed = 0;
    if (options_.reset_replay.count() > 0 &&
        (error == asio::error::connection_reset || error == asio::error::broken_pipe)) {
      replayed = backlog_.rewind(outage_start_ - options_.reset_replay);
      written_ -= replayed;
      replayed_ += replayed;
    }
    spdlog::warn("{}: connection lost: {}; {} records waiting ({} written in the last {} ms put back)", name_,
                 error == asio::error::eof ? "closed by the peer" : error.message(), backlog_.size(), replayed,
                 options_.reset_replay.count());
    backoff_ = options_.reconnect_initial;
    schedule_retry();
  }

  asio::io_context& io_;
  SyslogOptions options_;
  SyslogFormat format_;
  Backlog backlog_;
  std::size_t max_message_;
  bool every_event_type_;
  std::string name_;
  std::string message_;  // the message being built, reused

  asio::local::datagram_protocol::socket unix_socket_;
  asio::local::datagram_protocol::endpoint unix_endpoint_;
  asio::ip::udp::socket udp_socket_;
  asio::ip::udp::endpoint udp_endpoint_;
  asio::ip::tcp::socket tcp_socket_;
  std::vector<asio::ip::tcp::endpoint> tcp_endpoints_;
  std::vector<asio::const_buffer> gather_;
  std::array<char, 512> read_buffer_{};
  asio::steady_timer timer_;          // retry (datagram) or reconnect (tcp)
  asio::steady_timer connect_timer_;  // bounds one connect attempt

  State state_ = State::idle;
  std::uint64_t generation_ = 0;  // of the tcp connection (attempt)
  std::chrono::milliseconds backoff_;
  Clock::time_point outage_start_{};
  bool writing_ = false;
  bool failing_ = false;      // an outage is in progress and has been logged
  bool ever_connected_ = false;
  bool overflowing_ = false;  // an overflow episode is in progress and has been logged
  bool stopping_ = false;
  bool shut_down_ = false;
  std::uint64_t overflow_at_start_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t errors_ = 0;
  std::uint64_t truncated_ = 0;
  std::uint64_t replayed_ = 0;
};

SyslogOutput::SyslogOutput(asio::io_context& io, SyslogOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {
  impl_->start();
}

SyslogOutput::~SyslogOutput() { impl_->shutdown(); }

std::string_view SyslogOutput::name() const { return impl_->name(); }
void SyslogOutput::write(const Record& record) { impl_->write(record); }
void SyslogOutput::flush() { impl_->flush(); }
void SyslogOutput::reopen() { impl_->reopen(); }
void SyslogOutput::begin_stop() { impl_->begin_stop(); }
bool SyslogOutput::drained() const { return impl_->drained(); }
OutputCounters SyslogOutput::counters() const { return impl_->counters(); }
std::string SyslogOutput::delivery_report() const {
  return fmt::format("{} truncated={} replayed={}", format_output_counters(counters()), impl_->truncated(),
                     impl_->replayed());
}
std::uint64_t SyslogOutput::truncated_messages() const { return impl_->truncated(); }
std::uint64_t SyslogOutput::replayed_messages() const { return impl_->replayed(); }
bool SyslogOutput::connected() const { return impl_->connected(); }

}  // namespace spanwatch::alert
