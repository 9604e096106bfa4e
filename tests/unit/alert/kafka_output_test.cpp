// The Kafka output against librdkafka's mock cluster (a real Kafka wire-protocol broker set inside
// this process): 3 brokers, a topic of 4 partitions replicated 3 times. Records are read back with
// a librdkafka consumer and checked for count, duplicates, per-flow order, key, value and headers;
// then with the partition leader failed mid-run, with every broker down longer than the message
// timeout, with the producer queue full, and at stop.
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "alert/eve_writer.hpp"
#include "alert/kafka_output.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch::alert;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int partitions = 4;
constexpr char topic[] = "spanwatch";

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

rd_kafka_conf_t* quiet_conf() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  return conf;
}

class MockCluster {
 public:
  explicit MockCluster(int brokers = 3) {
    char error[512];
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, quiet_conf(), error, sizeof error);
    REQUIRE(owner_ != nullptr);
    cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
    REQUIRE(cluster_ != nullptr);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(owner_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  void create_topic(const char* name, int count, int replication = 3) {
    REQUIRE(rd_kafka_mock_topic_create(cluster_, name, count, replication) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void set_leader(const char* name, int partition, int broker) {
    REQUIRE(rd_kafka_mock_partition_set_leader(cluster_, name, partition, broker) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void down(int broker) { REQUIRE(rd_kafka_mock_broker_set_down(cluster_, broker) == RD_KAFKA_RESP_ERR_NO_ERROR); }
  void up(int broker) { REQUIRE(rd_kafka_mock_broker_set_up(cluster_, broker) == RD_KAFKA_RESP_ERR_NO_ERROR); }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

struct Consumed {
  int partition = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads every partition of `name` from the beginning until `expected` messages arrived and then
// 300 ms more (so that duplicates would show), or until `timeout`.
std::vector<Consumed> consume(const std::string& bootstraps, const char* name, std::size_t expected,
                              std::chrono::milliseconds timeout = 15s) {
  rd_kafka_conf_t* conf = quiet_conf();
  char error[512];
  REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps.c_str(), error, sizeof error) ==
          RD_KAFKA_CONF_OK);
  REQUIRE(rd_kafka_conf_set(conf, "group.id", "spanwatch-test", error, sizeof error) == RD_KAFKA_CONF_OK);
  REQUIRE(rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error) == RD_KAFKA_CONF_OK);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  REQUIRE(consumer != nullptr);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, name, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  REQUIRE(rd_kafka_assign(consumer, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(assignment);

  std::vector<Consumed> out;
  const auto deadline = Clock::now() + timeout;
  auto quiet_until = Clock::time_point::max();
  while (Clock::now() < deadline && Clock::now() < quiet_until) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 50);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Consumed c;
      c.partition = message->partition;
      c.key.assign(static_cast<const char*>(message->key), message->key_len);
      c.value.assign(static_cast<const char*>(message->payload), message->len);
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* header_name = nullptr;
        const void* value = nullptr;
        std::size_t size = 0;
        for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &header_name, &value, &size) ==
                                RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          c.headers[header_name].assign(static_cast<const char*>(value), size);
        }
      }
      out.push_back(std::move(c));
      if (out.size() == expected) quiet_until = Clock::now() + 300ms;
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  return out;
}

// EVE lines of `flows` flows, `per_flow` records each, interleaved; record n carries "seq": n.
// Even flows write alerts (key from the AlertSummary), odd flows smb records (key from the line).
class RecordSource {
 public:
  explicit RecordSource(int flows) {
    for (int f = 0; f < flows; ++f) community_ids_.push_back("1:flow" + std::to_string(f) + "AAAAAAAAAAAAAAAAAAAAA=");
  }
  std::size_t flows() const { return community_ids_.size(); }

  // Writes record `seq` (of flow seq % flows) to `output` and remembers its line.
  void write(KafkaOutput& output, int seq) {
    const std::size_t f = static_cast<std::size_t>(seq) % community_ids_.size();
    FlowHeader flow;
    flow.src_ip = testing::ip("10.0.0.1");
    flow.dest_ip = testing::ip("10.0.0.2");
    flow.src_port = static_cast<std::uint16_t>(40000 + f);
    flow.dest_port = 445;
    flow.has_ports = true;
    flow.ip_protocol = 6;
    flow.community_id = community_ids_[f];
    const bool alert = f % 2 == 0;
    const std::string_view type = alert ? "alert" : "smb";
    eve_.begin(type, {1476605590 + seq, 0}, &flow);
    eve_.key("seq");
    eve_.json().Int(seq);
    const std::string_view line = eve_.end();
    lines_[std::string(line)] = seq;
    AlertSummary summary;
    summary.community_id = community_ids_[f];
    output.write(Record{type, {1476605590 + seq, 0}, line, alert ? &summary : nullptr});
  }
  int seq_of(const std::string& line) const {
    const auto found = lines_.find(line);
    return found == lines_.end() ? -1 : found->second;
  }
  const std::string& community_id(int seq) const {
    return community_ids_[static_cast<std::size_t>(seq) % community_ids_.size()];
  }

 private:
  EveWriter eve_;
  std::vector<std::string> community_ids_;
  std::map<std::string, int> lines_;
};

// The output thread's part: the io_context, with flush() every 100 ms (here every 20 ms to keep
// the test short), until `done` or `timeout`.
template <class Done>
bool run_until(boost::asio::io_context& io, KafkaOutput& output, Done done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    io.restart();
    io.run_for(20ms);
    output.flush();
  }
  return true;
}

KafkaOptions options_for(const MockCluster& cluster) {
  KafkaOptions options;
  options.enabled = true;
  options.brokers = cluster.bootstraps();
  options.topic = topic;
  options.sensor_name = "sensor-a";
  options.properties = {"retry.backoff.ms=50", "reconnect.backoff.ms=50", "reconnect.backoff.max.ms=200",
                        "topic.metadata.refresh.interval.ms=500"};
  return options;
}

// Every record of `source` numbered in `expected` arrived exactly once, in order per flow, on one
// partition per flow, with its key, its line as value and its headers.
void check_exactly_once(const RecordSource& source, const std::vector<Consumed>& consumed,
                        const std::set<int>& expected) {
  std::set<int> seen;
  std::map<std::string, int> last_seq;
  std::map<std::string, int> partition_of;
  for (const Consumed& c : consumed) {
    const int seq = source.seq_of(c.value);
    REQUIRE(seq >= 0);  // the value is one of the lines written, byte for byte
    CHECK(seen.insert(seq).second);
    CHECK(c.key == source.community_id(seq));
    CHECK(c.headers.at("event_type") == (seq % static_cast<int>(source.flows()) % 2 == 0 ? "alert" : "smb"));
    CHECK(c.headers.at("host") == "sensor-a");
    const auto [last, first] = last_seq.try_emplace(c.key, seq);
    if (!first) {
      CHECK(seq > last->second);
      last->second = seq;
    }
    const auto [where, new_key] = partition_of.try_emplace(c.key, c.partition);
    if (!new_key) CHECK(where->second == c.partition);
  }
  CHECK(seen == expected);
}

std::set<int> range(int first, int end) {
  std::set<int> out;
  for (int n = first; n < end; ++n) out.insert(n);
  return out;
}

}  // namespace

TEST_CASE("kafka: every record is delivered exactly once, keyed by community id, in order per flow", "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  boost::asio::io_context io;
  KafkaOutput output(io, options_for(cluster));
  RecordSource source(8);
  constexpr int count = 400;
  for (int n = 0; n < count; ++n) source.write(output, n);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == count; }, 15s));

  check_exactly_once(source, consume(cluster.bootstraps(), topic, count), range(0, count));
  const KafkaCounters k = output.kafka_counters();
  CHECK(k.produced == count);
  CHECK(k.lost == 0);
  CHECK(k.overflow == 0);
  CHECK(k.queued == 0);
  const OutputCounters c = output.counters();
  CHECK(c.written == count);
  CHECK(c.dropped == 0);
  CHECK(c.backlog == 0);
}

TEST_CASE("kafka: the partition leader failing mid-run loses and duplicates nothing", "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  for (int p = 0; p < partitions; ++p) cluster.set_leader(topic, p, 1);
  boost::asio::io_context io;
  KafkaOutput output(io, options_for(cluster));
  RecordSource source(8);
  for (int n = 0; n < 200; ++n) source.write(output, n);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 200; }, 10s));

  // The leader goes away with records on their way; another replica takes over.
  for (int n = 200; n < 300; ++n) source.write(output, n);
  cluster.down(1);
  for (int p = 0; p < partitions; ++p) cluster.set_leader(topic, p, 2);
  for (int n = 300; n < 500; ++n) source.write(output, n);
  run_until(io, output, [] { return false; }, 1s);
  cluster.up(1);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 500; }, 15s));

  check_exactly_once(source, consume(cluster.bootstraps(), topic, 500), range(0, 500));
  CHECK(output.kafka_counters().lost == 0);
  CHECK(output.counters().dropped == 0);
}

TEST_CASE("kafka: with every broker down past the message timeout the loss is counted exactly, then it recovers",
          "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  boost::asio::io_context io;
  KafkaOptions options = options_for(cluster);
  options.message_timeout_ms = 1500;
  KafkaOutput output(io, options);
  RecordSource source(8);
  for (int n = 0; n < 100; ++n) source.write(output, n);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 100; }, 10s));

  cluster.down(-1);
  const auto before = Clock::now();
  for (int n = 100; n < 150; ++n) source.write(output, n);
  CHECK(Clock::now() - before < 500ms);  // write() never waits for a broker
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().lost == 50; }, 10s));
  run_until(io, output, [] { return false; }, 300ms);  // nothing more is lost or delivered
  KafkaCounters k = output.kafka_counters();
  CHECK(k.lost == 50);
  CHECK(k.delivered == 100);
  CHECK(k.queued == 0);
  CHECK(k.errors >= 50);
  CHECK(k.last_error != 0);
  REQUIRE_FALSE(k.failures_by_error.empty());
  std::uint64_t failures = 0;
  for (const auto& [code, n] : k.failures_by_error) failures += n;
  CHECK(failures == 50);
  CHECK(output.counters().dropped == 50);

  cluster.up(-1);
  for (int n = 150; n < 200; ++n) source.write(output, n);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 150; }, 20s));
  std::set<int> expected = range(0, 100);
  expected.merge(range(150, 200));
  check_exactly_once(source, consume(cluster.bootstraps(), topic, 150), expected);
}

TEST_CASE("kafka: records written while no broker is reachable at start-up are delivered when they appear",
          "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  cluster.down(-1);
  boost::asio::io_context io;
  KafkaOutput output(io, options_for(cluster));
  RecordSource source(4);
  for (int n = 0; n < 40; ++n) source.write(output, n);
  run_until(io, output, [] { return false; }, 1s);
  CHECK(output.kafka_counters().delivered == 0);
  CHECK(output.counters().backlog == 40);
  cluster.up(-1);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 40; }, 15s));
  check_exactly_once(source, consume(cluster.bootstraps(), topic, 40), range(0, 40));
  CHECK(output.kafka_counters().lost == 0);
}

TEST_CASE("kafka: a full producer queue refuses and counts records instead of waiting", "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  cluster.down(-1);
  boost::asio::io_context io;
  KafkaOptions options = options_for(cluster);
  options.queue_messages = 10;
  options.stop_timeout_ms = 200;
  KafkaOutput output(io, options);
  RecordSource source(4);
  const auto before = Clock::now();
  for (int n = 0; n < 25; ++n) source.write(output, n);
  CHECK(Clock::now() - before < 500ms);
  KafkaCounters k = output.kafka_counters();
  CHECK(k.produced == 10);
  CHECK(k.overflow == 15);
  CHECK(k.queued == 10);
  CHECK(k.last_error == RD_KAFKA_RESP_ERR__QUEUE_FULL);
  CHECK(output.counters().overflow == 15);
  CHECK(output.counters().backlog == 10);

  // At stop, what the cluster never took is purged after stop_timeout_ms and counted as lost.
  output.begin_stop();
  REQUIRE(run_until(io, output, [&] { return output.drained(); }, 3s));
  k = output.kafka_counters();
  CHECK(k.lost == 10);
  CHECK(k.queued == 0);
  CHECK(output.counters().dropped == 25);
}

TEST_CASE("kafka: stopping sends what lingers at once and reports drained when all is delivered", "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  boost::asio::io_context io;
  KafkaOptions options = options_for(cluster);
  options.linger_ms = 20000;  // without the stop flush, nothing would leave for 20 s
  KafkaOutput output(io, options);
  // Connected and the topic known first, so that only linger holds the records back.
  run_until(io, output, [] { return false; }, 300ms);
  RecordSource source(4);
  for (int n = 0; n < 50; ++n) source.write(output, n);
  run_until(io, output, [] { return false; }, 200ms);
  CHECK(output.kafka_counters().delivered == 0);
  CHECK_FALSE(output.drained());

  const auto stop = Clock::now();
  output.begin_stop();
  REQUIRE(run_until(io, output, [&] { return output.drained(); }, 3s));
  CHECK(Clock::now() - stop < 2s);
  CHECK(output.kafka_counters().delivered == 50);
  CHECK(output.kafka_counters().lost == 0);
}

TEST_CASE("kafka: a topic pattern sends each event type to its own topic", "[kafka]") {
  MockCluster cluster;
  cluster.create_topic("sw-alert", partitions);
  cluster.create_topic("sw-smb", partitions);
  boost::asio::io_context io;
  KafkaOptions options = options_for(cluster);
  options.topic = "sw-{event_type}";
  KafkaOutput output(io, options);
  RecordSource source(2);  // flow 0 writes alerts, flow 1 smb records
  for (int n = 0; n < 40; ++n) source.write(output, n);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 40; }, 10s));
  const auto alerts = consume(cluster.bootstraps(), "sw-alert", 20);
  const auto smb = consume(cluster.bootstraps(), "sw-smb", 20);
  REQUIRE(alerts.size() == 20);
  REQUIRE(smb.size() == 20);
  for (const auto& c : alerts) CHECK(source.seq_of(c.value) % 2 == 0);
  for (const auto& c : smb) CHECK(source.seq_of(c.value) % 2 == 1);
}

TEST_CASE("kafka: only the selected event types are sent", "[kafka]") {
  MockCluster cluster;
  cluster.create_topic(topic, partitions);
  boost::asio::io_context io;
  KafkaOptions options = options_for(cluster);
  options.event_types = {"alert"};
  KafkaOutput output(io, options);
  RecordSource source(2);
  for (int n = 0; n < 20; ++n) source.write(output, n);
  REQUIRE(run_until(io, output, [&] { return output.kafka_counters().delivered == 10; }, 10s));
  CHECK(output.kafka_counters().produced == 10);
  const auto consumed = consume(cluster.bootstraps(), topic, 10, 5s);
  CHECK(consumed.size() == 10);
  for (const auto& c : consumed) CHECK(c.headers.at("event_type") == "alert");
}
