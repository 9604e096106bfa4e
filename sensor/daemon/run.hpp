#pragma once
// Runs the sensor over capture sources until they end or a stop is asked for, writing EVE records
// and a summary. One worker, run to completion per packet on the calling thread.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/sensor_config.hpp"

namespace spanwatch::daemon {

struct RunSummary {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t flows = 0;
  std::uint64_t malformed = 0;
  std::uint64_t anomalies = 0;
  std::uint64_t alerts = 0;
  std::uint64_t kernel_drops = 0;
  std::uint64_t kernel_ifdrops = 0;
  std::uint64_t eve_lines = 0;
  std::uint64_t eve_dropped = 0;
  double seconds = 0;
  std::string eve_path;
};

struct RunRequest {
  std::vector<std::string> pcap_files;  // offline, read in order; or
  std::vector<std::string> interfaces;  // live
  bool show_progress = false;           // a progress line on stderr (a terminal)
};

// Set by the signal handler; the run ends its current batch, finishes flows and writes final stats.
extern std::atomic<bool> stop_requested;

// Throws capture::CaptureError when a source cannot be opened, std::runtime_error for output errors.
RunSummary run(const SensorConfig& config, const RunRequest& request);

}  // namespace spanwatch::daemon
