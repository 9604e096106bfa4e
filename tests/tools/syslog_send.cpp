// spanwatch-syslog-send: sends numbered alerts through SyslogOutput, as the output thread would
// (one io_context, write() per record, flush() every 100 ms, begin_stop()/drained() at the end),
// for tests against a real syslog daemon (tests/e2e/syslog_rsyslog_test.sh).
//   spanwatch-syslog-send --transport unix|udp|tcp --address A [--count N] [--first N] [--interval-ms M]
//                         [--format human|eve] [--hostname H] [--stop-budget-ms M]
// Alert n has signature "spanwatch e2e alert n", severity 1 + n % 3, source port 40000 + n.
// Prints the output's counters; exits 0 when everything was delivered (nothing dropped or waiting).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "alert/eve_writer.hpp"
#include "alert/syslog_output.hpp"
#include "core/ip_address.hpp"

using namespace spanwatch;
using namespace std::chrono_literals;

namespace {

struct Arguments {
  alert::SyslogOptions options;
  int count = 10;
  int first = 0;
  std::chrono::milliseconds interval{10};
  std::chrono::milliseconds stop_budget{5000};
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "spanwatch-syslog-send: %s\n", why);
  std::exit(2);
}

Arguments parse(int argc, char** argv) {
  Arguments args;
  args.options.enabled = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const std::string value = argv[++i];
    if (flag == "--transport") {
      const auto transport = alert::parse_syslog_transport(value);
      if (!transport) usage("--transport is unix, udp or tcp");
      args.options.transport = *transport;
    } else if (flag == "--address") {
      args.options.address = value;
    } else if (flag == "--format") {
      const auto format = alert::parse_syslog_message_format(value);
      if (!format) usage("--format is human or eve");
      args.options.message = *format;
    } else if (flag == "--hostname") {
      args.options.hostname = value;
    } else if (flag == "--count") {
      args.count = std::stoi(value);
    } else if (flag == "--first") {
      args.first = std::stoi(value);
    } else if (flag == "--interval-ms") {
      args.interval = std::chrono::milliseconds(std::stoi(value));
    } else if (flag == "--stop-budget-ms") {
      args.stop_budget = std::chrono::milliseconds(std::stoi(value));
    } else {
      usage("unknown option");
    }
  }
  return args;
}

// Runs the io_context for `time`, calling flush() every 100 ms as the output thread's timer does.
void run_for(boost::asio::io_context& io, alert::Output& output, std::chrono::milliseconds time) {
  const auto deadline = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::min<std::chrono::steady_clock::duration>(100ms, deadline - std::chrono::steady_clock::now()));
    output.flush();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Arguments args = parse(argc, argv);
  boost::asio::io_context io;
  try {
    alert::SyslogOutput output(io, args.options);
    alert::EveWriter eve;
    alert::FlowHeader flow;
    flow.src_ip = *core::IpAddress::parse("10.0.0.1");
    flow.dest_ip = *core::IpAddress::parse("10.0.0.2");
    flow.dest_port = 445;
    flow.has_ports = true;
    flow.ip_protocol = 6;
    for (int n = args.first; n < args.first + args.count; ++n) {
      const std::string signature = "spanwatch e2e alert " + std::to_string(n);
      alert::AlertSummary summary;
      summary.signature_id = 9100001;
      summary.rev = 1;
      summary.severity = static_cast<std::uint8_t>(1 + n % 3);
      summary.signature = signature;
      summary.category = "Attempted User Privilege Gain";
      summary.app_proto = "smb";
      summary.proto = "TCP";
      summary.src_ip = flow.src_ip;
      summary.dest_ip = flow.dest_ip;
      summary.src_port = static_cast<std::uint16_t>(40000 + n);
      summary.dest_port = 445;
      flow.src_port = summary.src_port;
      const core::Timestamp ts{1476605590 + n, 123456000};
      eve.begin("alert", ts, &flow);
      eve.key("alert");
      eve.json().StartObject();
      eve.key("signature_id");
      eve.json().Uint(summary.signature_id);
      eve.field("signature", signature);
      eve.key("severity");
      eve.json().Uint(summary.severity);
      eve.json().EndObject();
      const std::string_view line = eve.end();
      output.write(alert::Record{"alert", ts, line, &summary});
      run_for(io, output, args.interval);
    }
    output.begin_stop();
    const auto deadline = std::chrono::steady_clock::now() + args.stop_budget;
    while (!output.drained() && std::chrono::steady_clock::now() < deadline) run_for(io, output, 10ms);
    const alert::OutputCounters counters = output.counters();
    std::printf("written=%llu dropped=%llu overflow=%llu errors=%llu backlog=%llu replayed=%llu\n",
                static_cast<unsigned long long>(counters.written), static_cast<unsigned long long>(counters.dropped),
                static_cast<unsigned long long>(counters.overflow), static_cast<unsigned long long>(counters.errors),
                static_cast<unsigned long long>(counters.backlog),
                static_cast<unsigned long long>(output.replayed_messages()));
    return counters.dropped == 0 && counters.backlog == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "spanwatch-syslog-send: %s\n", error.what());
    return 2;
  }
}
