// spanwatch-kafka-send: numbered alerts through KafkaOutput, as the output thread drives it (one
// io_context, write() per record, flush() every 100 ms, begin_stop()/drained() at the end), without
// the daemon, for tests against a Kafka cluster (tests/e2e/kafka_test.py).
//   spanwatch-kafka-send --brokers B [--topic T] [--count N] [--first N] [--flows F] [--interval-ms M]
//                        [--sensor-name S] [--message-timeout-ms M] [--property name=value]...
// Alert n belongs to flow n % F (community id "1:e2e-flow-<f>"), carries "seq": n and the sensor
// name as `host`. Prints the output's counters; exits 0 when every record was delivered.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "alert/eve_writer.hpp"
#include "alert/kafka_output.hpp"
#include "core/ip_address.hpp"

using namespace spanwatch;
using namespace std::chrono_literals;

namespace {

struct Arguments {
  alert::KafkaOptions options;
  int count = 10;
  int first = 0;
  int flows = 4;
  std::chrono::milliseconds interval{0};
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "spanwatch-kafka-send: %s\n", why);
  std::exit(2);
}

Arguments parse(int argc, char** argv) {
  Arguments args;
  args.options.enabled = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const std::string value = argv[++i];
    if (flag == "--brokers") {
      args.options.brokers = value;
    } else if (flag == "--topic") {
      args.options.topic = value;
    } else if (flag == "--sensor-name") {
      args.options.sensor_name = value;
    } else if (flag == "--message-timeout-ms") {
      args.options.message_timeout_ms = static_cast<std::uint32_t>(std::stoul(value));
    } else if (flag == "--property") {
      args.options.properties.push_back(value);
    } else if (flag == "--count") {
      args.count = std::stoi(value);
    } else if (flag == "--first") {
      args.first = std::stoi(value);
    } else if (flag == "--flows") {
      args.flows = std::max(1, std::stoi(value));
    } else if (flag == "--interval-ms") {
      args.interval = std::chrono::milliseconds(std::stoi(value));
    } else {
      usage("unknown option");
    }
  }
  if (args.options.brokers.empty()) usage("--brokers is required");
  return args;
}

// Runs the io_context for `time`, calling flush() every 100 ms as the output thread's timer does.
void run_for(boost::asio::io_context& io, alert::Output& output, std::chrono::milliseconds time) {
  const auto deadline = std::chrono::steady_clock::now() + time;
  do {
    io.restart();
    io.run_for(std::min<std::chrono::steady_clock::duration>(100ms, deadline - std::chrono::steady_clock::now()));
    output.flush();
  } while (std::chrono::steady_clock::now() < deadline);
}

}  // namespace

int main(int argc, char** argv) {
  const Arguments args = parse(argc, argv);
  boost::asio::io_context io;
  try {
    alert::KafkaOutput output(io, args.options);
    alert::EveWriter eve(alert::EveContext{args.options.sensor_name, {}, {}});
    alert::FlowHeader flow;
    flow.src_ip = *core::IpAddress::parse("10.0.0.1");
    flow.dest_ip = *core::IpAddress::parse("10.0.0.2");
    flow.dest_port = 445;
    flow.has_ports = true;
    flow.ip_protocol = 6;
    std::string community_id;
    for (int n = args.first; n < args.first + args.count; ++n) {
      const int f = n % args.flows;
      community_id = "1:e2e-flow-" + std::to_string(f);
      flow.src_port = static_cast<std::uint16_t>(40000 + f);
      flow.community_id = community_id;
      alert::AlertSummary summary;
      summary.signature_id = 9100001;
      summary.community_id = community_id;
      const core::Timestamp ts{1476605590 + n, 0};
      eve.begin("alert", ts, &flow);
      eve.key("seq");
      eve.json().Int(n);
      output.write(alert::Record{"alert", ts, eve.end(), &summary});
      if (args.interval.count() > 0) run_for(io, output, args.interval);
    }
    output.begin_stop();
    while (!output.drained()) run_for(io, output, 10ms);
    const alert::KafkaCounters k = output.kafka_counters();
    std::printf("produced=%llu delivered=%llu lost=%llu overflow=%llu refused=%llu retries=%llu errors=%llu "
                "queued=%llu last_error=%s\n",
                static_cast<unsigned long long>(k.produced), static_cast<unsigned long long>(k.delivered),
                static_cast<unsigned long long>(k.lost), static_cast<unsigned long long>(k.overflow),
                static_cast<unsigned long long>(k.refused), static_cast<unsigned long long>(k.retries),
                static_cast<unsigned long long>(k.errors), static_cast<unsigned long long>(k.queued),
                k.last_error == 0 ? "none" : std::string(alert::kafka_error_name(k.last_error)).c_str());
    return k.delivered == static_cast<std::uint64_t>(args.count) ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spanwatch-kafka-send: %s\n", error.what());
    return 2;
  }
}
