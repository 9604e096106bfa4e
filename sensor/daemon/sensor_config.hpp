#pragma once
// Every option of the sensor, gathered from each layer's own Options struct (their defaults are the
// defaults), and the one table that binds them to spanwatch.yaml paths.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "alert/kafka_config.hpp"
#include "alert/redis_output.hpp"
#include "alert/syslog_output.hpp"
#include "capture/capture_options.hpp"
#include "capture/fanout.hpp"
#include "config/option_table.hpp"
#include "daemon/privileges.hpp"
#include "engine/engine_options.hpp"

namespace spanwatch::daemon {

enum class LogLevel { error, warning, info, debug };

struct SensorConfig {
  std::string sensor_name;  // EVE `host`
  // Packet worker threads. Offline each reads the files itself and keeps its shard (IP address
  // pair); live each has its own handle per interface in a kernel fanout group.
  std::uint16_t workers = 1;
  capture::FanoutMode fanout = capture::FanoutMode::ip_pair;  // live, workers > 1
  std::vector<std::string> interfaces;
  capture::LiveOptions live;
  engine::EngineOptions engine;
  std::string log_dir = "/var/log/spanwatch";
  bool eve_enabled = true;
  std::string eve_filename = "eve.json";
  std::vector<std::string> eve_types{"*"};
  std::uint32_t stats_interval_seconds = 60;  // 0: only at exit
  alert::SyslogOptions syslog;
  alert::KafkaOptions kafka;
  alert::RedisOptions redis;
  std::size_t output_queue_bytes = 8u << 20;  // records in flight from the worker to the output thread
  std::string rules_dir = "/etc/spanwatch/rules";
  std::vector<std::string> home_net;          // empty: $HOME_NET is $PRIVATE
  std::vector<std::string> ftp_nat_allowed;   // PORT/EPRT addresses that are not a NAT mismatch
  LogLevel log_level = LogLevel::info;
  PrivilegeOptions run_as;                    // live capture drops to this user once capture is open
  std::string pid_file;                       // empty: none
};

// Registers every field of `config` in `table` (both must outlive each other's use).
void bind_options(config::OptionTable& table, SensorConfig& config);

}  // namespace spanwatch::daemon
