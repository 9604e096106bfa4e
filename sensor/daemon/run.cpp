#include "daemon/run.hpp"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "alert/eve_file.hpp"
#include "alert/eve_writer.hpp"
#include "alert/stats_record.hpp"
#include "alert/stats_snapshot.hpp"
#include "capture/packet_source.hpp"
#include "engine/worker.hpp"

namespace spanwatch::daemon {

std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};

namespace {

using Clock = std::chrono::steady_clock;

struct CaptureTotals {
  std::uint64_t kernel_packets = 0, kernel_drops = 0, kernel_ifdrops = 0;
  void add(const capture::CaptureStats& s) {
    kernel_packets += s.kernel_packets;
    kernel_drops += s.kernel_drops;
    kernel_ifdrops += s.kernel_ifdrops;
  }
};

alert::EveContext context_for(const SensorConfig& config, const RunRequest& request) {
  alert::EveContext context;
  context.host = config.sensor_name;
  for (const auto& name : request.interfaces) context.in_iface += (context.in_iface.empty() ? "" : ",") + name;
  return context;
}

// Owns the pipeline of one run: outputs, the worker, periodic stats and the progress line.
class Session {
 public:
  Session(const SensorConfig& config, const RunRequest& request)
      : config_(config), request_(request), eve_(context_for(config, request)),
        worker_(config.engine, eve_, eve_file_, request.rules), started_(Clock::now()), last_stats_(started_) {
    if (config.eve_enabled) {
      std::error_code error;
      std::filesystem::create_directories(config.log_dir, error);
      summary_.eve_path = (std::filesystem::path(config.log_dir) / config.eve_filename).string();
      if (!eve_file_.open(summary_.eve_path))
        throw std::runtime_error("cannot write " + summary_.eve_path + ": " + std::strerror(eve_file_.last_error()));
    }
  }

  engine::Worker& worker() { return worker_; }
  alert::EveWriter& eve() { return eve_; }

  // Called between dispatch batches: periodic stats and the progress line.
  void tick(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources,
            const capture::PacketSource* file, std::size_t file_number) {
    const auto now = Clock::now();
    if (reload_requested.exchange(false)) reload();
    if (config_.stats_interval_seconds != 0 &&
        now - last_stats_ >= std::chrono::seconds(config_.stats_interval_seconds)) {
      last_stats_ = now;
      write_stats(live_sources);
      eve_file_.flush();
    }
    if (request_.show_progress && now - last_progress_ >= std::chrono::milliseconds(500)) {
      last_progress_ = now;
      print_progress(file, file_number, now);
    }
  }

  RunSummary finish(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources) {
    if (request_.show_progress) std::fputs("\r\033[K", stderr);
    worker_.finish();
    write_stats(live_sources);
    eve_file_.flush();
    const auto& w = worker_.stats();
    summary_.packets = w.packets;
    summary_.bytes = w.bytes;
    summary_.flows = worker_.flow_stats().total;
    summary_.malformed = w.malformed;
    summary_.anomalies = w.anomaly_records;
    const auto& app = worker_.app_layer_stats();
    for (std::size_t p = 0; p < static_cast<std::size_t>(events::Protocol::count_); ++p) {
      summary_.events += app.tx[p];
      summary_.app_flows[p] = app.flows[p];
    }
    summary_.alerts = app.alerts;
    for (std::size_t i = 0; i < engine::AppLayerStats::tracked_rules && app.alert_rule[i] != 0; ++i)
      summary_.alerts_by_rule.emplace_back(app.alert_rule[i], app.alert_count[i]);
    std::sort(summary_.alerts_by_rule.begin(), summary_.alerts_by_rule.end());
    summary_.kernel_drops = capture_.kernel_drops;
    summary_.kernel_ifdrops = capture_.kernel_ifdrops;
    summary_.eve_lines = eve_file_.written_lines();
    summary_.eve_dropped = eve_file_.dropped_lines();
    summary_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return summary_;
  }

  void add_capture_stats(const capture::CaptureStats& stats) { capture_.add(stats); }

 private:
  // SIGHUP: new rules compiled here, off the packet path, and swapped in (a broken file keeps the
  // old ones); eve.json reopened so logrotate's `create` and `copytruncate` both work.
  void reload() {
    if (request_.rules != nullptr) {
      const rules::ReloadResult result = request_.rules->reload(config_.rules_dir, request_.rule_options);
      if (result.ok) spdlog::info("reloaded {} rules from {}", result.rules, config_.rules_dir);
      else spdlog::error("rules not reloaded, the previous ones stay: {}", result.error);
    }
    if (eve_file_.is_open() && !eve_file_.reopen()) spdlog::error("cannot reopen {}", eve_file_.path());
  }

  void write_stats(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources) {
    snapshot_.clear();
    snapshot_.set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count());
    CaptureTotals capture = capture_;
    for (const auto& source : live_sources) capture.add(source->stats());
    if (!request_.interfaces.empty()) {
      snapshot_.add("capture.kernel_packets", capture.kernel_packets);
      snapshot_.add("capture.kernel_drops", capture.kernel_drops);
      snapshot_.add("capture.kernel_ifdrops", capture.kernel_ifdrops);
    }
    worker_.collect_stats(snapshot_);
    alert::write_stats(eve_, eve_file_, worker_.stats().last_packet, snapshot_);
  }

  void print_progress(const capture::PacketSource* file, std::size_t file_number, Clock::time_point now) {
    const auto& w = worker_.stats();
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const double gbps = seconds > 0 ? static_cast<double>(w.bytes) * 8 / seconds / 1e9 : 0;
    if (file != nullptr && file->file_size() != 0) {
      const double percent = 100.0 * static_cast<double>(file->file_position()) / static_cast<double>(file->file_size());
      std::fprintf(stderr, "\r\033[Kfile %zu/%zu %3.0f%% | %.2f M packets | %.1f MB | %.2f Gbit/s", file_number,
                   request_.pcap_files.size(), percent, static_cast<double>(w.packets) / 1e6,
                   static_cast<double>(w.bytes) / 1e6, gbps);
    } else {
      std::fprintf(stderr, "\r\033[K%.2f M packets | %.1f MB | %.2f Gbit/s", static_cast<double>(w.packets) / 1e6,
                   static_cast<double>(w.bytes) / 1e6, gbps);
    }
    std::fflush(stderr);
  }

  const SensorConfig& config_;
  const RunRequest& request_;
  alert::EveFile eve_file_;
  alert::EveWriter eve_;
  engine::Worker worker_;
  alert::StatsSnapshot snapshot_;
  CaptureTotals capture_;
  Clock::time_point started_;
  Clock::time_point last_stats_;
  Clock::time_point last_progress_{};
  RunSummary summary_;
};

const std::vector<std::unique_ptr<capture::PacketSource>> no_live_sources;

void run_offline(Session& session, const SensorConfig& config, const RunRequest& request) {
  capture::OfflineOptions options;
  options.bpf = config.live.bpf;
  for (std::size_t i = 0; i < request.pcap_files.size() && !stop_requested; ++i) {
    auto source = capture::open_offline(request.pcap_files[i], static_cast<std::uint16_t>(i), options);
    session.eve().set_pcap_filename(request.pcap_files[i]);
    spdlog::debug("reading {} (link type {})", request.pcap_files[i], source->linktype());
    while (!stop_requested) {
      const capture::DispatchResult result = source->dispatch(-1, &engine::Worker::packet_callback, &session.worker());
      if (result.status == capture::DispatchStatus::end_of_file) break;
      if (result.status == capture::DispatchStatus::error) {
        // A damaged file tail: keep what was read, say so, go on with the next file.
        spdlog::warn("{}: read error, stopping this file: {}", request.pcap_files[i], source->last_error());
        break;
      }
      session.tick(no_live_sources, source.get(), i + 1);
    }
  }
}

void run_live(Session& session, const SensorConfig& config, const RunRequest& request,
              std::vector<std::unique_ptr<capture::PacketSource>>& sources) {
  for (std::size_t i = 0; i < request.interfaces.size(); ++i) {
    sources.push_back(capture::open_live(request.interfaces[i], static_cast<std::uint16_t>(i), config.live));
    if (!sources.back()->warnings().empty())
      spdlog::warn("{}: {}", request.interfaces[i], sources.back()->warnings());
    spdlog::info("capturing on {} (link type {})", request.interfaces[i], sources.back()->linktype());
  }
  std::vector<pollfd> fds(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) fds[i] = {sources[i]->selectable_fd(), POLLIN, 0};
  while (!stop_requested) {
    if (sources.size() == 1) {
      const auto result = sources[0]->dispatch(-1, &engine::Worker::packet_callback, &session.worker());
      if (result.status == capture::DispatchStatus::error)
        throw std::runtime_error(std::string(sources[0]->name()) + ": " + std::string(sources[0]->last_error()));
    } else {
      if (::poll(fds.data(), fds.size(), config.live.timeout_ms) > 0) {
        for (std::size_t i = 0; i < sources.size(); ++i) {
          if ((fds[i].revents & (POLLIN | POLLERR | POLLHUP)) == 0) continue;
          const auto result = sources[i]->dispatch(-1, &engine::Worker::packet_callback, &session.worker());
          if (result.status == capture::DispatchStatus::error)
            throw std::runtime_error(std::string(sources[i]->name()) + ": " + std::string(sources[i]->last_error()));
        }
      }
    }
    session.tick(sources, nullptr, 0);
  }
}

}  // namespace

RunSummary run(const SensorConfig& config, const RunRequest& request) {
  Session session(config, request);
  std::vector<std::unique_ptr<capture::PacketSource>> live_sources;
  if (!request.pcap_files.empty()) {
    run_offline(session, config, request);
  } else {
    run_live(session, config, request, live_sources);
  }
  for (const auto& source : live_sources) session.add_capture_stats(source->stats());
  return session.finish({});
}

}  // namespace spanwatch::daemon
