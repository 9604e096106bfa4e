#pragma once
// Runs the sensor over capture sources until they end or a stop is asked for, writing EVE records
// and a summary. `workers` packet threads, each running its shard of the flows to completion per
// packet; the calling thread supervises them (heartbeats, stats summed over the workers, progress);
// the outputs and the signal handling run on the output thread.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "alert/output.hpp"

#include "daemon/sensor_config.hpp"
#include "events/protocol.hpp"
#include "rules/rule_set_holder.hpp"

namespace spanwatch::daemon {

struct RunSummary {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t flows = 0;
  std::uint64_t malformed = 0;
  std::uint64_t anomalies = 0;
  std::uint64_t anomalies_suppressed = 0;  // protocol anomalies past protocols.anomaly_records_per_flow
  std::uint64_t checksum_ignored = 0;      // TCP segments kept out of reassembly for a bad checksum
  std::uint64_t checksum_offload_workers = 0;  // workers whose sample said "checksum offload": checks stopped
  std::uint64_t events = 0;  // protocol events (logins, commands, handshakes, ...)
  std::uint64_t app_flows[static_cast<std::size_t>(events::Protocol::count_)] = {};
  std::uint64_t alerts = 0;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> alerts_by_rule;
  std::uint64_t kernel_drops = 0;
  std::uint64_t kernel_ifdrops = 0;
  std::uint64_t eve_lines = 0;
  std::uint64_t eve_dropped = 0;
  std::uint64_t queue_drops = 0;  // records the worker could not hand to the output thread
  std::vector<std::pair<std::string, alert::OutputCounters>> outputs;
  double seconds = 0;
  std::string eve_path;
  std::size_t workers = 1;  // packet worker threads that ran; the figures above are their sums
};

struct RunRequest {
  std::vector<std::string> pcap_files;  // offline, read in order; or
  std::vector<std::string> interfaces;  // live
  bool show_progress = false;           // a progress line on stderr (a terminal)
  rules::RuleSetHolder* rules = nullptr;  // null: no detection
  rules::RuleOptions rule_options;        // for reloads
  // Called once capture is open and the outputs are running, before the first packet (privileges
  // are dropped and systemd told READY=1 there). May throw to abort the run.
  std::function<void()> on_started;
};

// SIGTERM/SIGINT end the run (flows are finished, outputs drained, final stats written), SIGHUP
// recompiles the rules and reopens the outputs, SIGUSR1 writes a stats record.
// Throws capture::CaptureError when a source cannot be opened, std::runtime_error for output errors.
RunSummary run(const SensorConfig& config, const RunRequest& request);

}  // namespace spanwatch::daemon
