#pragma once
// The Kafka output: every selected record produced to a topic (one, or one per event type) through
// librdkafka. Key: the flow's Community ID, so every record of a flow lands in one partition, in
// order; value: the EVE line byte-identical; headers: `event_type` and `host` (the sensor name).
//
// Runs on the output thread only. write() hands the record to librdkafka's own bounded queue and
// returns: when that queue is full the record is refused and counted (overflow), never waited for.
// flush() (the output thread's 100 ms timer) polls the producer, which serves delivery reports:
// acknowledged records are counted as delivered, records librdkafka finally gave up on (message
// timeout, a permanent broker error) as lost, by error code, and logged at most every 10 s. Broker
// connections, retries and reconnection are librdkafka's: an unreachable cluster at start-up only
// means records wait (within message_timeout_ms and the queue size).
//
// Stop: begin_stop() flushes in small slices on the io_context (an Asio timer, a few ms of
// rd_kafka_flush per turn) for at most stop_timeout_ms; what is still queued then is purged and
// counted as lost, so drained() becomes true with every record accounted for.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "alert/kafka_config.hpp"
#include "alert/output.hpp"

namespace spanwatch::alert {

struct KafkaCounters {
  std::uint64_t produced = 0;   // handed to librdkafka
  std::uint64_t delivered = 0;  // acknowledged by the cluster
  std::uint64_t lost = 0;       // delivery failed for good (timeout, broker error, purged at stop)
  std::uint64_t overflow = 0;   // refused at once: the producer queue was full
  std::uint64_t refused = 0;    // refused at once for another reason (too large, unknown partition)
  std::uint64_t retries = 0;    // requests retried, from librdkafka's statistics (brokers' txretries)
  std::uint64_t errors = 0;     // error events (connection failures, all brokers down) and failures above
  std::uint64_t queued = 0;     // in librdkafka's queue now, not yet acknowledged or given up on
  int last_error = 0;           // rd_kafka_resp_err_t of the last failure or error event (0: none)
  std::string last_error_text;  // with librdkafka's reason
  // Lost and refused records by rd_kafka_resp_err_t, in order of first occurrence.
  std::vector<std::pair<int, std::uint64_t>> failures_by_error;
};

std::string_view kafka_error_name(int error);  // librdkafka's name of an rd_kafka_resp_err_t

class KafkaOutput final : public Output {
 public:
  // Throws std::runtime_error with "option: librdkafka's text" when the configuration is refused.
  KafkaOutput(boost::asio::io_context& io, KafkaOptions options);
  ~KafkaOutput() override;  // purges what is still queued (counted as lost) and closes the producer
  KafkaOutput(const KafkaOutput&) = delete;
  KafkaOutput& operator=(const KafkaOutput&) = delete;

  std::string_view name() const override;
  void write(const Record& record) override;
  void flush() override;
  void begin_stop() override;
  bool drained() const override;
  // written: delivered; dropped: lost + overflow + refused; backlog: queued.
  OutputCounters counters() const override;
  // produced, delivered, retries, lost (and by librdkafka error name), overflow, refused, queued, errors
  std::string delivery_report() const override;

  KafkaCounters kafka_counters() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with the stop timer's pending wait
};

}  // namespace spanwatch::alert
