#include "alert/kafka_output.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <librdkafka/rdkafka.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

namespace spanwatch::alert {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds stop_slice{10};  // one turn of the stop timer
constexpr int flush_slice_ms = 5;                    // of which rd_kafka_flush may block this long
constexpr std::chrono::seconds log_interval{10};     // loss and error logs, at most this often

// librdkafka's own log lines are for debugging: what an operator needs (losses, outages) is logged
// by the output itself, rate limited. Called from librdkafka's threads: spdlog is thread-safe.
void forward_log(const rd_kafka_t*, int level, const char* facility, const char* message) {
  if (level <= 2) {
    spdlog::error("kafka: {}: {}", facility, message);
  } else {
    spdlog::debug("kafka: {}: {}", facility, message);
  }
}

}  // namespace

std::string_view kafka_error_name(int error) { return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error)); }

class KafkaOutput::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, KafkaOptions options)
      : options_(std::move(options)),
        every_event_type_(std::find(options_.event_types.begin(), options_.event_types.end(), "*") !=
                          options_.event_types.end()),
        per_event_type_(options_.topic.find("{event_type}") != std::string::npos),
        stop_timer_(io),
        name_("kafka " + options_.brokers + " " + options_.topic) {
    const auto errors = check_kafka_options(options_);
    if (!errors.empty()) throw std::runtime_error(kafka_error_text("kafka", errors.front()));
    KafkaConfResult made = make_kafka_conf(options_);
    if (made.error) throw std::runtime_error(kafka_error_text("kafka", *made.error));
    rd_kafka_conf_t* conf = made.conf.get();
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, &Impl::on_delivery);
    rd_kafka_conf_set_error_cb(conf, &Impl::on_error);
    rd_kafka_conf_set_stats_cb(conf, &Impl::on_statistics);
    rd_kafka_conf_set_log_cb(conf, forward_log);
    char error[512];
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (producer_ == nullptr) throw std::runtime_error(std::string("kafka: ") + error);
    made.conf.release();  // owned by the producer now
    if (!per_event_type_) topic_handle(options_.topic);
  }

  ~Impl() {
    if (producer_ == nullptr) return;
    const int left = rd_kafka_outq_len(producer_);
    if (left > 0) purge_and_count();
    for (auto& [name, handle] : topics_) rd_kafka_topic_destroy(handle);
    rd_kafka_destroy(producer_);
  }

  void shutdown() {
    shut_down_ = true;
    stop_timer_.cancel();
  }

  std::string_view name() const { return name_; }

  void write(const Record& record) {
    if (!selected(record.event_type)) return;
    rd_kafka_topic_t* topic = nullptr;
    if (per_event_type_) {
      kafka_topic_for(options_.topic, record.event_type, topic_name_);
      topic = topic_handle(topic_name_);
    } else {
      topic = topics_.front().second;
    }
    const std::string_view key = record.alert != nullptr ? record.alert->community_id
                                                         : find_community_id(record.line);
    rd_kafka_resp_err_t error = produce(topic, key, record);
    if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Delivery reports not yet served still hold their queue slots: serve them and try once more.
      rd_kafka_poll(producer_, 0);
      error = produce(topic, key, record);
    }
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++counters_.produced;
      return;
    }
    if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      ++counters_.overflow;
    } else {
      ++counters_.refused;
    }
    ++counters_.errors;
    count_failure(error, rd_kafka_err2str(error));
  }

  void flush() {
    rd_kafka_poll(producer_, 0);
    log_pending_losses(false);
  }

  void begin_stop() {
    if (stopping_) return;
    stopping_ = true;
    stop_deadline_ = Clock::now() + std::chrono::milliseconds(options_.stop_timeout_ms);
    stop_turn();
  }

  bool drained() const { return rd_kafka_outq_len(producer_) == 0; }

  // Records produced whose delivery report has not come yet. Not rd_kafka_outq_len(): that also
  // counts librdkafka's own protocol requests (metadata, connects) waiting to be sent.
  std::uint64_t in_flight() const {
    const std::uint64_t reported = counters_.delivered + counters_.lost;
    return counters_.produced > reported ? counters_.produced - reported : 0;
  }

  OutputCounters counters() const {
    return {counters_.delivered, counters_.lost + counters_.overflow + counters_.refused, counters_.overflow,
            counters_.errors, in_flight()};
  }

  KafkaCounters kafka_counters() const {
    KafkaCounters copy = counters_;
    copy.queued = in_flight();
    return copy;
  }

 private:
  bool selected(std::string_view event_type) const {
    if (every_event_type_) return true;
    return std::find(options_.event_types.begin(), options_.event_types.end(), event_type) !=
           options_.event_types.end();
  }

  // Topic handles are made once per topic name (a handful: one per event type at most).
  rd_kafka_topic_t* topic_handle(const std::string& name) {
    for (const auto& [known, handle] : topics_) {
      if (known == name) return handle;
    }
    rd_kafka_topic_t* handle = rd_kafka_topic_new(producer_, name.c_str(), nullptr);
    topics_.emplace_back(name, handle);
    return handle;
  }

  rd_kafka_resp_err_t produce(rd_kafka_topic_t* topic, std::string_view key, const Record& record) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(2);
    rd_kafka_header_add(headers, "event_type", -1, record.event_type.data(),
                        static_cast<ssize_t>(record.event_type.size()));
    if (!options_.sensor_name.empty()) {
      rd_kafka_header_add(headers, "host", -1, options_.sensor_name.data(),
                          static_cast<ssize_t>(options_.sensor_name.size()));
    }
    const rd_kafka_resp_err_t error = rd_kafka_producev(
        producer_, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(const_cast<char*>(record.line.data()), record.line.size()),
        RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()), RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_END);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_headers_destroy(headers);  // not taken over
    return error;
  }

  // ---- callbacks, all served by rd_kafka_poll/rd_kafka_flush on the output thread ----

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto& self = *static_cast<Impl*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++self.counters_.delivered;
      return;
    }
    ++self.counters_.lost;
    ++self.counters_.errors;
    self.count_failure(message->err, rd_kafka_err2str(message->err));
  }

  static void on_error(rd_kafka_t* producer, int error, const char* reason, void* opaque) {
    auto& self = *static_cast<Impl*>(opaque);
    ++self.counters_.errors;
    self.counters_.last_error = error;
    self.counters_.last_error_text = std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error))) +
                                     ": " + reason;
    if (error == RD_KAFKA_RESP_ERR__FATAL) {
      // The idempotent producer cannot go on (librdkafka refuses every record from now on).
      char detail[512];
      const auto cause = rd_kafka_fatal_error(producer, detail, sizeof detail);
      spdlog::error("{}: fatal producer error {}: {}; records from now on are counted as refused", self.name_,
                    rd_kafka_err2name(cause), detail);
      return;
    }
    const auto now = Clock::now();
    if (now - self.last_error_log_ < log_interval) {
      ++self.errors_since_log_;
      return;
    }
    spdlog::warn("{}: {} ({} similar errors not logged; {} records queued)", self.name_,
                 self.counters_.last_error_text, self.errors_since_log_, rd_kafka_outq_len(producer));
    self.last_error_log_ = now;
    self.errors_since_log_ = 0;
  }

  static int on_statistics(rd_kafka_t*, char* json, std::size_t length, void* opaque) {
    auto& self = *static_cast<Impl*>(opaque);
    rapidjson::Document stats;
    stats.Parse(json, length);
    if (stats.HasParseError() || !stats.IsObject()) return 0;
    // HasMember, operator[] and an index rather than comparing member iterators: clang 14 in C++20
    // finds RapidJSON's iterator comparisons ambiguous (-Wambiguous-reversed-operator).
    if (!stats.HasMember("brokers") || !stats["brokers"].IsObject()) return 0;
    const rapidjson::Value& brokers = stats["brokers"];
    std::uint64_t retries = 0;
    for (rapidjson::SizeType i = 0; i < brokers.MemberCount(); ++i) {
      const rapidjson::Value& broker = (brokers.MemberBegin() + i)->value;
      if (!broker.IsObject() || !broker.HasMember("txretries")) continue;
      const rapidjson::Value& value = broker["txretries"];
      if (value.IsUint64()) retries += value.GetUint64();
    }
    // Broker objects come and go (bootstrap entries are replaced by the real ones): never count down.
    self.counters_.retries = std::max(self.counters_.retries, retries);
    return 0;  // librdkafka frees `json`
  }

  void count_failure(rd_kafka_resp_err_t error, std::string_view reason) {
    counters_.last_error = error;
    counters_.last_error_text = std::string(rd_kafka_err2name(error)) + ": " + std::string(reason);
    auto& by_error = counters_.failures_by_error;
    const auto known = std::find_if(by_error.begin(), by_error.end(),
                                    [error](const auto& entry) { return entry.first == error; });
    if (known != by_error.end()) {
      ++known->second;
    } else {
      by_error.emplace_back(error, 1);
    }
    log_pending_losses(false);
  }

  void log_pending_losses(bool now_anyway) {
    const std::uint64_t not_delivered = counters_.lost + counters_.overflow + counters_.refused;
    if (not_delivered == logged_losses_) return;
    const auto now = Clock::now();
    if (!now_anyway && now - last_loss_log_ < log_interval) return;
    spdlog::warn("{}: {} records not delivered since the last report ({} in all: {} lost, {} refused with the "
                 "queue full, {} refused otherwise); last error {}",
                 name_, not_delivered - logged_losses_, not_delivered, counters_.lost, counters_.overflow,
                 counters_.refused, counters_.last_error_text);
    logged_losses_ = not_delivered;
    last_loss_log_ = now;
  }

  // ---- stop ----

  void stop_turn() {
    if (shut_down_) return;
    if (rd_kafka_outq_len(producer_) == 0) {
      log_pending_losses(true);
      return;
    }
    if (Clock::now() >= stop_deadline_) {
      const int left = rd_kafka_outq_len(producer_);
      spdlog::warn("{}: {} records still queued after {} ms at stop are lost", name_, left,
                   options_.stop_timeout_ms);
      purge_and_count();
      log_pending_losses(true);
      return;
    }
    // Flushing also sends what lingers in a batch at once, and serves the delivery reports.
    rd_kafka_flush(producer_, flush_slice_ms);
    stop_timer_.expires_after(stop_slice);
    stop_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->stop_turn();
    });
  }

  // Purged records come back as delivery reports with a purge error: served here, counted as lost.
  void purge_and_count() {
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    const auto deadline = Clock::now() + std::chrono::milliseconds(500);
    while (rd_kafka_outq_len(producer_) > 0 && Clock::now() < deadline) rd_kafka_poll(producer_, 10);
  }

  KafkaOptions options_;
  bool every_event_type_;
  bool per_event_type_;
  asio::steady_timer stop_timer_;
  std::string name_;
  rd_kafka_t* producer_ = nullptr;
  std::vector<std::pair<std::string, rd_kafka_topic_t*>> topics_;
  std::string topic_name_;  // reused
  KafkaCounters counters_;
  bool stopping_ = false;
  bool shut_down_ = false;
  Clock::time_point stop_deadline_{};
  Clock::time_point last_error_log_{};
  Clock::time_point last_loss_log_{};
  std::uint64_t errors_since_log_ = 0;
  std::uint64_t logged_losses_ = 0;
};

KafkaOutput::KafkaOutput(asio::io_context& io, KafkaOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

KafkaOutput::~KafkaOutput() { impl_->shutdown(); }

std::string_view KafkaOutput::name() const { return impl_->name(); }
void KafkaOutput::write(const Record& record) { impl_->write(record); }
void KafkaOutput::flush() { impl_->flush(); }
void KafkaOutput::begin_stop() { impl_->begin_stop(); }
bool KafkaOutput::drained() const { return impl_->drained(); }
OutputCounters KafkaOutput::counters() const { return impl_->counters(); }
KafkaCounters KafkaOutput::kafka_counters() const { return impl_->kafka_counters(); }
std::string KafkaOutput::delivery_report() const {
  const KafkaCounters c = impl_->kafka_counters();
  std::string report = fmt::format("produced={} delivered={} retries={} lost={} overflow={} refused={} queued={} errors={}",
                                   c.produced, c.delivered, c.retries, c.lost, c.overflow, c.refused, c.queued, c.errors);
  for (const auto& [error, count] : c.failures_by_error) fmt::format_to(std::back_inserter(report), " failed.{}={}",
                                                                          kafka_error_name(error), count);
  return report;
}

}  // namespace spanwatch::alert
