// The Kafka output's configuration: every property through librdkafka, its own error text returned
// with the option it belongs to; topic patterns; the Community ID looked up in an EVE line.
#include <stdexcept>
#include <string>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include "alert/eve_writer.hpp"
#include "alert/kafka_config.hpp"
#include "alert/kafka_output.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch::alert;

namespace {

KafkaOptions usable() {
  KafkaOptions options;
  options.enabled = true;
  options.brokers = "127.0.0.1:1";
  return options;
}

}  // namespace

TEST_CASE("kafka options with brokers and defaults are accepted", "[kafka]") {
  CHECK(check_kafka_options(usable()).empty());
  KafkaOptions options = usable();
  options.compression = KafkaCompression::zstd;
  options.topic = "spanwatch-{event_type}";
  options.properties = {"socket.keepalive.enable=true", "retry.backoff.ms=50"};
  CHECK(check_kafka_options(options).empty());
}

TEST_CASE("kafka options without brokers are refused", "[kafka]") {
  KafkaOptions options = usable();
  options.brokers.clear();
  const auto errors = check_kafka_options(options);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].option == "brokers");
}

TEST_CASE("an unknown librdkafka property is refused with librdkafka's text and its name", "[kafka]") {
  KafkaOptions options = usable();
  options.properties = {"linger.ms=3", "socket.timeout.msx=100"};
  const auto errors = check_kafka_options(options);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].option == "properties.socket.timeout.msx");
  CHECK(kafka_error_text("outputs.kafka", errors[0]) ==
        "outputs.kafka.properties.socket.timeout.msx: No such configuration property: \"socket.timeout.msx\"");
}

TEST_CASE("a bad librdkafka property value is refused with librdkafka's text", "[kafka]") {
  KafkaOptions options = usable();
  options.properties = {"message.max.bytes=lots"};
  const auto errors = check_kafka_options(options);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].option == "properties.message.max.bytes");
  CHECK_THAT(errors[0].message, Catch::Contains("Invalid value") && Catch::Contains("message.max.bytes"));
}

TEST_CASE("a passthrough entry that is not name=value is refused", "[kafka]") {
  KafkaOptions options = usable();
  options.properties = {"security.protocol"};
  const auto errors = check_kafka_options(options);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].option == "properties");
  CHECK_THAT(errors[0].message, Catch::Contains("name=value"));
}

TEST_CASE("idempotence with acks from the leader only is refused by librdkafka's own check", "[kafka]") {
  KafkaOptions options = usable();
  options.acks = KafkaAcks::leader;
  const auto errors = check_kafka_options(options);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].option.empty());  // no one option is wrong: their combination is
  CHECK(kafka_error_text("outputs.kafka", errors[0]) ==
        "outputs.kafka: `acks` must be set to `all` when `enable.idempotence` is true");
  options.idempotence = false;
  CHECK(check_kafka_options(options).empty());
}

TEST_CASE("a passthrough property overrides the output's own value", "[kafka]") {
  KafkaOptions options = usable();
  options.properties = {"linger.ms=250"};
  const KafkaConfResult made = make_kafka_conf(options);
  REQUIRE_FALSE(made.error);
  char value[64];
  std::size_t size = sizeof value;
  REQUIRE(rd_kafka_conf_get(made.conf.get(), "linger.ms", value, &size) == RD_KAFKA_CONF_OK);
  CHECK(std::string(value) == "250");
}

TEST_CASE("kafka topic names are checked, with {event_type} as the only placeholder", "[kafka]") {
  KafkaOptions options = usable();
  for (const char* bad : {"", "spanwatch alerts", "spanwatch-{event}", "spanwatch/{event_type}"}) {
    options.topic = bad;
    const auto errors = check_kafka_options(options);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].option == "topic");
  }
  options.topic = std::string(250, 'a');
  CHECK_FALSE(check_kafka_options(options).empty());
  options.topic = std::string(249, 'a');
  CHECK(check_kafka_options(options).empty());
}

TEST_CASE("the topic pattern puts the event type in place of {event_type}", "[kafka]") {
  std::string topic;
  kafka_topic_for("spanwatch-{event_type}", "alert", topic);
  CHECK(topic == "spanwatch-alert");
  kafka_topic_for("{event_type}.{event_type}", "smb", topic);
  CHECK(topic == "smb.smb");
  kafka_topic_for("eve", "tls", topic);
  CHECK(topic == "eve");
}

TEST_CASE("the community id is found in an EVE line's header and nowhere else", "[kafka]") {
  EveWriter eve;
  FlowHeader flow;
  flow.src_ip = testing::ip("10.0.0.1");
  flow.dest_ip = testing::ip("10.0.0.2");
  flow.src_port = 40000;
  flow.dest_port = 445;
  flow.has_ports = true;
  flow.ip_protocol = 6;
  flow.community_id = "1:wCb3OG7yAFWelaUydu0D+125CLM=";
  eve.begin("smb", {1476605590, 0}, &flow);
  eve.field("note", "\"community_id\":\"fake\"");
  const std::string with_id(eve.end());
  CHECK(find_community_id(with_id) == "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  CHECK(find_community_id(with_id, 20).empty());  // beyond the bound

  flow.community_id = {};
  eve.begin("smb", {1476605590, 0}, &flow);
  eve.field("note", "\"community_id\":\"fake\"");  // escaped inside a string: never taken for the key
  CHECK(find_community_id(eve.end()).empty());
}

TEST_CASE("a kafka output with a refused property does not start and says why", "[kafka]") {
  boost::asio::io_context io;
  KafkaOptions options = usable();
  options.properties = {"no.such.thing=1"};
  CHECK_THROWS_WITH(KafkaOutput(io, options),
                    Catch::Contains("kafka.properties.no.such.thing: No such configuration property"));
}
