#pragma once
// The Kafka output's options and their translation into a librdkafka configuration. Every value
// (ours and the passthrough `properties`) goes through rd_kafka_conf_set, so a bad one is reported
// with librdkafka's own text; cross-property rules (idempotence needs acks=all, ...) are checked by
// librdkafka when a handle is made (check_kafka_options makes one that connects to nothing).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct rd_kafka_conf_s;

namespace spanwatch::alert {

enum class KafkaCompression : std::uint8_t { none, gzip, snappy, lz4, zstd };
enum class KafkaAcks : std::uint8_t { none, leader, all };  // acks=0, 1, all

std::string_view kafka_compression_name(KafkaCompression compression);  // librdkafka's value
std::string_view kafka_acks_value(KafkaAcks acks);                     // "0", "1", "all"

struct KafkaOptions {
  bool enabled = false;
  std::string brokers;  // bootstrap.servers: "host:port,host:port"
  // One topic, or one per event type: "{event_type}" is replaced ("spanwatch-{event_type}").
  std::string topic = "spanwatch";
  std::string client_id = "spanwatch";
  KafkaCompression compression = KafkaCompression::lz4;
  KafkaAcks acks = KafkaAcks::all;
  bool idempotence = true;  // no duplicates from retries, per-partition order kept
  std::uint32_t linger_ms = 5;
  std::uint32_t batch_messages = 10000;
  std::size_t batch_bytes = 1000000;
  // The producer's queue (records not yet acknowledged): beyond it a record is refused and counted
  // (overflow), never waited for. Size it for an alert storm times the longest broker outage.
  std::uint32_t queue_messages = 100000;
  std::size_t queue_bytes = std::size_t{1} << 30;
  // A record not acknowledged this long after it was handed over is given up on (counted as lost).
  std::uint32_t message_timeout_ms = 300000;
  // At stop, how long queued records may take to be delivered before they are counted as lost.
  // Keep it below the output thread's stop budget.
  std::uint32_t stop_timeout_ms = 4000;
  std::vector<std::string> event_types{"*"};  // EVE event types sent; "*": every record
  // Any other librdkafka property as "name=value" (TLS, SASL, retries, ...); applied last, so they
  // override the values above.
  std::vector<std::string> properties;
  std::string sensor_name;  // the `host` header (empty: no header); the daemon passes sensor.name
};

// An option that librdkafka (or we) refused. `option` is relative to the output's section:
// "brokers", "topic", "properties.ssl.ca.location", ...; empty when librdkafka refused how options
// fit together (idempotence with acks=1).
struct KafkaConfigError {
  std::string option;
  std::string message;
};
// "SECTION.OPTION: message" ("SECTION: message" without an option), e.g. with "outputs.kafka".
std::string kafka_error_text(std::string_view section, const KafkaConfigError& error);

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_s* conf) const;
};
using KafkaConf = std::unique_ptr<rd_kafka_conf_s, KafkaConfDeleter>;

// The librdkafka configuration for `options`, or the first option it refused.
struct KafkaConfResult {
  KafkaConf conf;
  std::optional<KafkaConfigError> error;
};
KafkaConfResult make_kafka_conf(const KafkaOptions& options);

// Every check that does not need a broker: our own (brokers given, topic pattern), each property
// through rd_kafka_conf_set, then librdkafka's cross-property checks (a producer handle made with no
// bootstrap servers, destroyed at once). Empty when the options are usable. For --check-config.
std::vector<KafkaConfigError> check_kafka_options(const KafkaOptions& options);

// The topic for a record of `event_type`: `pattern` with "{event_type}" replaced, into `out`.
void kafka_topic_for(std::string_view pattern, std::string_view event_type, std::string& out);

// The flow's Community ID inside an EVE line: the "community_id" value of the header, looked for in
// the first `limit` bytes only (the header precedes the payload). Empty when there is none.
std::string_view find_community_id(std::string_view line, std::size_t limit = 4096);

}  // namespace spanwatch::alert
