// spanwatch-kafka-cluster: librdkafka's mock cluster (real Kafka wire protocol, no Java) in its own
// process, for end-to-end tests of the sensor's Kafka output (tests/e2e/kafka_test.py).
//   spanwatch-kafka-cluster [--brokers 3] [--partitions 4] [--topic spanwatch]...
// Prints the bootstrap servers on the first line of stdout, then obeys lines on stdin:
//   down ID | up ID          a broker (-1: all) refuses / accepts connections
//   leader TOPIC P ID        broker ID leads partition P
//   consume TOPIC N [MS]     reads every partition from the start until N messages (then 300 ms more)
//                            or MS ms (default 15000); prints one JSON object per message
//                            {"topic","partition","key","value","headers":{..}} then "end COUNT"
//   quit (or end of input)
// Answers "ok" or "error TEXT" to every other command.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

using Clock = std::chrono::steady_clock;

namespace {

void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

rd_kafka_conf_t* quiet_conf() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  return conf;
}

void reply(rd_kafka_resp_err_t error) {
  if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::printf("ok\n");
  } else {
    std::printf("error %s\n", rd_kafka_err2str(error));
  }
  std::fflush(stdout);
}

void print_message(const rd_kafka_message_t* message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
  json.StartObject();
  json.Key("topic");
  json.String(rd_kafka_topic_name(message->rkt));
  json.Key("partition");
  json.Int(message->partition);
  json.Key("offset");
  json.Int64(message->offset);
  json.Key("key");
  if (message->key == nullptr) {
    json.Null();
  } else {
    json.String(static_cast<const char*>(message->key), static_cast<rapidjson::SizeType>(message->key_len));
  }
  json.Key("value");
  json.String(static_cast<const char*>(message->payload), static_cast<rapidjson::SizeType>(message->len));
  json.Key("headers");
  json.StartObject();
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      json.Key(name);
      json.String(static_cast<const char*>(value), static_cast<rapidjson::SizeType>(size));
    }
  }
  json.EndObject();
  json.EndObject();
  std::printf("%s\n", buffer.GetString());
}

void consume(const std::string& bootstraps, const std::string& topic, int partitions, std::size_t expected,
             int timeout_ms) {
  rd_kafka_conf_t* conf = quiet_conf();
  char error[512];
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps.c_str(), error, sizeof error);
  rd_kafka_conf_set(conf, "group.id", "spanwatch-e2e", error, sizeof error);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (consumer == nullptr) {
    std::printf("error %s\n", error);
    return;
  }
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  std::size_t count = 0;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto quiet_until = Clock::time_point::max();
  while (Clock::now() < deadline && Clock::now() < quiet_until) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 50);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      print_message(message);
      if (++count == expected) quiet_until = Clock::now() + std::chrono::milliseconds(300);
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  std::printf("end %zu\n", count);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  int partitions = 4;
  std::vector<std::string> topics;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--brokers") {
      brokers = std::stoi(argv[i + 1]);
    } else if (flag == "--partitions") {
      partitions = std::stoi(argv[i + 1]);
    } else if (flag == "--topic") {
      topics.emplace_back(argv[i + 1]);
    } else {
      std::fprintf(stderr, "spanwatch-kafka-cluster: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (topics.empty()) topics.emplace_back("spanwatch");
  char error[512];
  rd_kafka_t* owner = rd_kafka_new(RD_KAFKA_PRODUCER, quiet_conf(), error, sizeof error);
  if (owner == nullptr) {
    std::fprintf(stderr, "spanwatch-kafka-cluster: %s\n", error);
    return 2;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(owner, brokers);
  for (const auto& topic : topics) {
    rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, std::min(brokers, 3));
  }
  const std::string bootstraps = rd_kafka_mock_cluster_bootstraps(cluster);
  std::printf("%s\n", bootstraps.c_str());
  std::fflush(stdout);

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "quit") break;
    if (command == "down" || command == "up") {
      int id = -1;
      words >> id;
      reply(command == "down" ? rd_kafka_mock_broker_set_down(cluster, id) : rd_kafka_mock_broker_set_up(cluster, id));
    } else if (command == "leader") {
      std::string topic;
      int partition = 0;
      int id = 1;
      words >> topic >> partition >> id;
      reply(rd_kafka_mock_partition_set_leader(cluster, topic.c_str(), partition, id));
    } else if (command == "consume") {
      std::string topic;
      std::size_t expected = 0;
      int timeout_ms = 15000;
      words >> topic >> expected >> timeout_ms;
      consume(bootstraps, topic, partitions, expected, timeout_ms);
    } else if (!command.empty()) {
      std::printf("error unknown command %s\n", command.c_str());
      std::fflush(stdout);
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(owner);
  return 0;
}
