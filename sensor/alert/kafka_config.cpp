#include "alert/kafka_config.hpp"

#include <algorithm>

#include <librdkafka/rdkafka.h>

namespace spanwatch::alert {

namespace {

constexpr std::string_view event_type_placeholder = "{event_type}";
constexpr std::size_t max_topic_length = 249;  // Kafka's limit

bool legal_topic_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

std::optional<std::string> topic_pattern_error(std::string_view pattern) {
  if (pattern.empty()) return "a topic is required";
  std::string fixed;  // the pattern without its placeholders
  for (std::size_t at = 0; at < pattern.size();) {
    if (pattern.substr(at).starts_with(event_type_placeholder)) {
      at += event_type_placeholder.size();
      continue;
    }
    fixed.push_back(pattern[at++]);
  }
  if (!std::all_of(fixed.begin(), fixed.end(), legal_topic_char)) {
    return "a topic name may hold only a-z, A-Z, 0-9, '.', '_', '-' and the placeholder {event_type}";
  }
  if (fixed.size() > max_topic_length) return "a topic name is at most 249 characters";
  return std::nullopt;
}

// Sets one property; on failure, the error names `option`.
std::optional<KafkaConfigError> set(rd_kafka_conf_t* conf, std::string_view option, const std::string& name,
                                    const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) == RD_KAFKA_CONF_OK) {
    return std::nullopt;
  }
  return KafkaConfigError{std::string(option), error};
}

void discard_log(const rd_kafka_t*, int, const char*, const char*) {}

}  // namespace

std::string_view kafka_compression_name(KafkaCompression compression) {
  switch (compression) {
    case KafkaCompression::none: return "none";
    case KafkaCompression::gzip: return "gzip";
    case KafkaCompression::snappy: return "snappy";
    case KafkaCompression::lz4: return "lz4";
    case KafkaCompression::zstd: return "zstd";
  }
  return "none";
}

std::string_view kafka_acks_value(KafkaAcks acks) {
  switch (acks) {
    case KafkaAcks::none: return "0";
    case KafkaAcks::leader: return "1";
    case KafkaAcks::all: return "all";
  }
  return "all";
}

std::string kafka_error_text(std::string_view section, const KafkaConfigError& error) {
  std::string text(section);
  if (!error.option.empty()) text.append(".").append(error.option);
  return text.append(": ").append(error.message);
}

void KafkaConfDeleter::operator()(rd_kafka_conf_s* conf) const { rd_kafka_conf_destroy(conf); }

KafkaConfResult make_kafka_conf(const KafkaOptions& options) {
  KafkaConfResult result{KafkaConf(rd_kafka_conf_new()), std::nullopt};
  rd_kafka_conf_t* conf = result.conf.get();
  const std::pair<std::string_view, std::pair<std::string, std::string>> ours[] = {
      {"brokers", {"bootstrap.servers", options.brokers}},
      {"client_id", {"client.id", options.client_id}},
      {"compression", {"compression.codec", std::string(kafka_compression_name(options.compression))}},
      {"idempotence", {"enable.idempotence", options.idempotence ? "true" : "false"}},
      {"acks", {"acks", std::string(kafka_acks_value(options.acks))}},
      {"linger_ms", {"linger.ms", std::to_string(options.linger_ms)}},
      {"batch_messages", {"batch.num.messages", std::to_string(options.batch_messages)}},
      {"batch_bytes", {"batch.size", std::to_string(options.batch_bytes)}},
      {"queue_messages", {"queue.buffering.max.messages", std::to_string(options.queue_messages)}},
      {"queue_bytes",
       {"queue.buffering.max.kbytes", std::to_string(std::max<std::size_t>(1, options.queue_bytes / 1024))}},
      {"message_timeout_ms", {"message.timeout.ms", std::to_string(options.message_timeout_ms)}},
      // Brokers' retry counters arrive in librdkafka's statistics (KafkaCounters::retries).
      {"properties", {"statistics.interval.ms", "1000"}},
  };
  for (const auto& [option, property] : ours) {
    result.error = set(conf, option, property.first, property.second);
    if (result.error) return result;
  }
  for (const std::string& entry : options.properties) {
    const auto equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      result.error = KafkaConfigError{"properties", "'" + entry + "' is not name=value"};
      return result;
    }
    const std::string name = entry.substr(0, equals);
    result.error = set(conf, "properties." + name, name, entry.substr(equals + 1));
    if (result.error) return result;
  }
  return result;
}

std::vector<KafkaConfigError> check_kafka_options(const KafkaOptions& options) {
  std::vector<KafkaConfigError> errors;
  if (options.brokers.empty()) errors.push_back({"brokers", "at least one broker (host:port) is required"});
  if (const auto why = topic_pattern_error(options.topic)) errors.push_back({"topic", *why});
  if (options.stop_timeout_ms == 0) errors.push_back({"stop_timeout_ms", "must be at least 1"});
  KafkaConfResult made = make_kafka_conf(options);
  if (made.error) {
    errors.push_back(*made.error);
    return errors;
  }
  // librdkafka checks how properties fit together only when a handle is made: make one that knows
  // no broker (so it connects to nothing) and says nothing.
  char error[512];
  if (rd_kafka_conf_set(made.conf.get(), "bootstrap.servers", "", error, sizeof error) != RD_KAFKA_CONF_OK) {
    errors.push_back({"brokers", error});
    return errors;
  }
  rd_kafka_conf_set_log_cb(made.conf.get(), discard_log);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, made.conf.get(), error, sizeof error);
  if (handle == nullptr) {
    errors.push_back({"", error});
    return errors;
  }
  made.conf.release();  // owned by the handle now
  rd_kafka_destroy(handle);
  return errors;
}

void kafka_topic_for(std::string_view pattern, std::string_view event_type, std::string& out) {
  out.clear();
  for (std::size_t at = 0; at < pattern.size();) {
    const auto next = pattern.find(event_type_placeholder, at);
    out.append(pattern.substr(at, next - at));
    if (next == std::string_view::npos) return;
    out.append(event_type);
    at = next + event_type_placeholder.size();
  }
}

std::string_view find_community_id(std::string_view line, std::size_t limit) {
  // Outside JSON strings a quote is never escaped and inside them it always is, so this key text
  // cannot match inside a string value.
  constexpr std::string_view key = "\"community_id\":\"";
  const std::string_view head = line.substr(0, limit);
  const auto start = head.find(key);
  if (start == std::string_view::npos) return {};
  const auto value = start + key.size();
  const auto end = line.find('"', value);
  if (end == std::string_view::npos) return {};
  return line.substr(value, end - value);
}

}  // namespace spanwatch::alert
