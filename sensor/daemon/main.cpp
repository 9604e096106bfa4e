// spanwatch: command line, configuration, then the run. Errors a user can fix (flags, files,
// configuration) print one line and exit 2; failures while running exit 1.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <iostream>
#include <string>
#include <vector>

#include <openssl/rand.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "alert/kafka_config.hpp"
#include "capture/capture_error.hpp"
#include "config/config_error.hpp"
#include "config/option_table.hpp"
#include "daemon/command_line.hpp"
#include "daemon/pid_file.hpp"
#include "daemon/privileges.hpp"
#include "daemon/run.hpp"
#include "daemon/sensor_config.hpp"
#include "report/report_builder.hpp"
#include "rules/rule_set.hpp"
#include "rules/rule_set_holder.hpp"

#ifndef SPANWATCH_VERSION
#define SPANWATCH_VERSION "unknown"
#endif

namespace {

using namespace spanwatch;
using spanwatch::daemon::PidFile;

constexpr const char* default_config_file = "/etc/spanwatch/spanwatch.yaml";
constexpr int exit_usage = 2;

void set_log_level(daemon::LogLevel configured, int verbosity) {
  int level = static_cast<int>(configured) + verbosity;  // error=0 .. debug=3
  if (level < 0) level = 0;
  if (level > 3) level = 3;
  static constexpr spdlog::level::level_enum levels[] = {spdlog::level::err, spdlog::level::warn,
                                                         spdlog::level::info, spdlog::level::debug};
  spdlog::set_level(levels[level]);
}

// Masked secrets are keyed hashes: without a configured key, one random key per run lets a SIEM
// correlate reuse within the run without making the masks comparable across runs.
void ensure_mask_key(std::string& key) {
  if (!key.empty()) return;
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return;  // the parsers fall back to their own random key
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    key.push_back(hex[b >> 4]);
    key.push_back(hex[b & 15]);
  }
}

void print_summary(const daemon::RunSummary& s) {
  const char* separator = nullptr;
  std::printf("spanwatch %s: %.2f s\n", SPANWATCH_VERSION, s.seconds);
  std::printf("  workers   %zu\n", s.workers);
  std::printf("  packets   %llu (%.1f MB)\n", static_cast<unsigned long long>(s.packets),
              static_cast<double>(s.bytes) / 1e6);
  std::printf("  flows     %llu", static_cast<unsigned long long>(s.flows));
  separator = " (";
  for (std::size_t p = 1; p < static_cast<std::size_t>(events::Protocol::count_); ++p) {
    if (s.app_flows[p] == 0) continue;
    std::printf("%s%s %llu", separator, std::string(events::name_of(static_cast<events::Protocol>(p))).c_str(),
                static_cast<unsigned long long>(s.app_flows[p]));
    separator = ", ";
  }
  std::printf("%s\n", separator[0] == ',' ? ")" : "");
  std::printf("  events    %llu\n", static_cast<unsigned long long>(s.events));
  std::printf("  malformed %llu packets, %llu anomaly records", static_cast<unsigned long long>(s.malformed),
              static_cast<unsigned long long>(s.anomalies));
  if (s.anomalies_suppressed != 0)
    std::printf(" (%llu more not written: protocols.anomaly_records_per_flow)",
                static_cast<unsigned long long>(s.anomalies_suppressed));
  std::printf("\n");
  if (s.checksum_offload_workers != 0)
    std::printf("  checksums not checked: most TCP checksums in the first segments were bad, as when capturing on "
                "a host that sends with checksum offload (stream.checksum_validation)\n");
  if (s.checksum_ignored != 0)
    std::printf("  checksums %llu TCP segments ignored for a bad checksum (stream.checksum_validation)\n",
                static_cast<unsigned long long>(s.checksum_ignored));
  std::printf("  alerts    %llu", static_cast<unsigned long long>(s.alerts));
  separator = " (";
  for (const auto& [rule, count] : s.alerts_by_rule) {
    std::printf("%s%u: %llu", separator, rule, static_cast<unsigned long long>(count));
    separator = ", ";
  }
  std::printf("%s\n", s.alerts_by_rule.empty() ? "" : ")");
  std::printf("  drops     %llu kernel, %llu interface\n", static_cast<unsigned long long>(s.kernel_drops),
              static_cast<unsigned long long>(s.kernel_ifdrops));
  if (!s.eve_path.empty())
    std::printf("  eve.json  %s (%llu records%s)\n", s.eve_path.c_str(), static_cast<unsigned long long>(s.eve_lines),
                s.eve_dropped ? ", some LOST: see the log" : "");
  for (const auto& [name, c] : s.outputs) {
    if (name.starts_with("eve ")) continue;
    std::printf("  output    %s: %llu sent, %llu lost (%llu backlog overflow), %llu errors\n", name.c_str(),
                static_cast<unsigned long long>(c.written), static_cast<unsigned long long>(c.dropped),
                static_cast<unsigned long long>(c.overflow), static_cast<unsigned long long>(c.errors));
  }
  if (s.queue_drops != 0)
    std::printf("  LOST      %llu records the output thread could not keep up with\n",
                static_cast<unsigned long long>(s.queue_drops));
}

report::ReportOptions report_options(const daemon::CommandLine& cl, bool lab_mode) {
  report::ReportOptions options;
  options.evidence_per_rule = cl.report_evidence;
  options.lab_mode = cl.report_lab || lab_mode;
  options.generator_version = SPANWATCH_VERSION;
  return options;
}

int write_report(const std::vector<std::string>& inputs, const std::string& output, const report::ReportOptions& options) {
  try {
    const report::ReportResult result = report::build_report(inputs, output, options);
    std::printf("  report    %s (%llu lines, %llu alerts, %llu skipped, %.0f kB)\n", output.c_str(),
                static_cast<unsigned long long>(result.lines), static_cast<unsigned long long>(result.alerts),
                static_cast<unsigned long long>(result.skipped), static_cast<double>(result.html_bytes) / 1e3);
    return 0;
  } catch (const report::ReportError& e) {
    std::fprintf(stderr, "spanwatch: %s\n", e.what());
    return 1;
  }
}

int run_main(const std::vector<std::string>& args) {
  daemon::CommandLine cl;
  try {
    cl = daemon::parse_command_line(args);
  } catch (const daemon::UsageError& e) {
    std::fprintf(stderr, "spanwatch: %s\n", e.what());
    return exit_usage;
  }
  if (cl.show_help) {
    std::fputs(daemon::usage_text().c_str(), stdout);
    return 0;
  }
  if (cl.show_version) {
    std::printf("spanwatch %s\n", SPANWATCH_VERSION);
    return 0;
  }
  if (cl.report_command) {
    for (const auto& file : cl.report_inputs) {
      if (!std::filesystem::is_regular_file(file)) {
        std::fprintf(stderr, "spanwatch: cannot read %s: no such file\n", file.c_str());
        return exit_usage;
      }
    }
    return write_report(cl.report_inputs, *cl.report_output, report_options(cl, false));
  }

  daemon::SensorConfig config;
  config::OptionTable table;
  daemon::bind_options(table, config);
  try {
    if (cl.config_file) {
      if (!std::filesystem::exists(*cl.config_file)) {
        std::fprintf(stderr, "spanwatch: configuration file %s does not exist\n", cl.config_file->c_str());
        return exit_usage;
      }
      table.load_file(*cl.config_file);
    } else if (std::filesystem::exists(default_config_file)) {
      table.load_file(default_config_file);
    }
    for (const auto& [key, value] : cl.overrides) table.set(key, value);
    if (cl.log_dir) table.set("outputs.log_dir", *cl.log_dir);
    if (cl.rules_dir) table.set("rules.dir", *cl.rules_dir);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "spanwatch: %s\n", e.what());
    return exit_usage;
  }
  if (cl.bpf) config.live.bpf = *cl.bpf;
  set_log_level(config.log_level, cl.verbosity);

  rules::RuleOptions rule_options;
  if (!config.home_net.empty()) rule_options.address_groups["HOME_NET"] = config.home_net;
  if (!config.ftp_nat_allowed.empty()) rule_options.address_groups["FTP_NAT_ALLOWED"] = config.ftp_nat_allowed;
  if (cl.check_rules) {
    const rules::RuleCheck check = rules::check_rules(*cl.check_rules, rule_options);
    std::fputs(check.text.c_str(), check.ok ? stdout : stderr);
    if (!check.text.empty() && check.text.back() != '\n') std::fputc('\n', check.ok ? stdout : stderr);
    return check.ok ? 0 : exit_usage;
  }
  if (cl.dump_config) {
    std::fputs(table.dump().c_str(), stdout);
    return 0;
  }
  // Output settings a library checks itself (librdkafka's properties), at start-up and for --check-config.
  if (config.kafka.enabled) {
    const auto errors = alert::check_kafka_options(config.kafka);
    for (const auto& error : errors)
      std::fprintf(stderr, "spanwatch: %s\n", alert::kafka_error_text("outputs.kafka", error).c_str());
    if (!errors.empty()) return exit_usage;
  }
  if (cl.check_config) {
    std::printf("configuration OK\n");
    return 0;
  }

  for (const auto& file : cl.pcap_files) {
    if (!std::filesystem::is_regular_file(file)) {
      std::fprintf(stderr, "spanwatch: cannot read capture file %s: no such file\n", file.c_str());
      return exit_usage;
    }
  }
  ensure_mask_key(config.engine.app.credentials.mask_key);
  // Rules: a broken rule file stops the start (file:line); a missing default folder only warns.
  std::unique_ptr<rules::RuleSetHolder> rule_holder;
  if (std::filesystem::is_directory(config.rules_dir)) {
    try {
      rule_holder = std::make_unique<rules::RuleSetHolder>(rules::load_rules(config.rules_dir, rule_options));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "spanwatch: %s\n", e.what());
      return exit_usage;
    }
  } else if (cl.rules_dir) {
    std::fprintf(stderr, "spanwatch: rules folder %s does not exist\n", config.rules_dir.c_str());
    return exit_usage;
  } else {
    spdlog::warn("no rules folder at {}: running without detection rules", config.rules_dir);
  }
  daemon::RunRequest request;
  request.rules = rule_holder.get();
  request.rule_options = rule_options;
  request.pcap_files = cl.pcap_files;
  request.interfaces = cl.interfaces.empty() && cl.pcap_files.empty() ? config.interfaces : cl.interfaces;
  request.show_progress = isatty(STDERR_FILENO) && cl.verbosity >= 0;
  if (request.pcap_files.empty()) {
    // Live: capture handles and the log folder are open; from here on nothing needs root.
    request.on_started = [&config] {
      daemon::hand_over_directory(config.log_dir, config.run_as);
      const daemon::DropResult result = daemon::drop_privileges(config.run_as);
      spdlog::info("privileges {}: {}", daemon::name_of(result.outcome),
                   daemon::describe(daemon::read_process_credentials()));
    };
  }
  std::unique_ptr<PidFile> pid_file;
  if (!config.pid_file.empty()) {
    try {
      pid_file = std::make_unique<PidFile>(config.pid_file);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "spanwatch: %s\n", e.what());
      return 1;
    }
  }

  try {
    const daemon::RunSummary summary = daemon::run(config, request);
    if (cl.verbosity >= 0) print_summary(summary);
    if (cl.report_output) {
      if (summary.eve_path.empty()) {
        std::fprintf(stderr, "spanwatch: --report needs eve.json (outputs.eve is disabled)\n");
        return 1;
      }
      const bool lab_mode = config.engine.app.credentials.log_cleartext;
      if (const int status = write_report({summary.eve_path}, *cl.report_output, report_options(cl, lab_mode)); status != 0)
        return status;
    }
    // A capture read to the end with records missing from eve.json (a full disk) is not a
    // successful run: say so in the exit status too. Live, SIGTERM still ends with 0.
    if (!request.pcap_files.empty() && summary.eve_dropped != 0) {
      std::fprintf(stderr, "spanwatch: %llu records could not be written to %s (see the log)\n",
                   static_cast<unsigned long long>(summary.eve_dropped), summary.eve_path.c_str());
      return 1;
    }
  } catch (const capture::CaptureError& e) {
    std::fprintf(stderr, "spanwatch: %s\n", e.what());
    return request.pcap_files.empty() ? 1 : exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spanwatch: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("spanwatch"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  return run_main(std::vector<std::string>(argv + 1, argv + argc));
}
