#include "daemon/run.hpp"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "alert/eve_output.hpp"
#include "alert/eve_writer.hpp"
#include "alert/output_thread.hpp"
#include "alert/record_queue.hpp"
#include "alert/syslog_output.hpp"
#include "alert/stats_record.hpp"
#include "alert/stats_snapshot.hpp"
#include "capture/packet_source.hpp"
#include "daemon/control.hpp"
#include "engine/worker.hpp"

namespace spanwatch::daemon {
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

std::string capture_name(const RunRequest& request) {
  if (!request.pcap_files.empty())
    return request.pcap_files.size() == 1 ? request.pcap_files[0] : std::to_string(request.pcap_files.size()) + " files";
  std::string names;
  for (const auto& name : request.interfaces) names += (names.empty() ? "" : ",") + name;
  return names;
}

alert::RecordQueueOptions queue_options(const SensorConfig& config, const RunRequest& request) {
  alert::RecordQueueOptions options;
  options.bytes = config.output_queue_bytes;
  // Live, a worker must never wait for a slow disk or peer (the kernel would drop packets instead,
  // unseen); offline, waiting only slows the reading down and nothing is lost.
  options.when_full = request.pcap_files.empty() ? alert::FullQueuePolicy::drop : alert::FullQueuePolicy::wait;
  return options;
}

// Owns the pipeline of one run: the output thread and its outputs, the worker, the control side
// (signals), periodic stats and the progress line.
class Session {
 public:
  Session(const SensorConfig& config, const RunRequest& request)
      : config_(config), request_(request), eve_(context_for(config, request)),
        queue_(outputs_.add_queue(queue_options(config, request))),
        worker_(config.engine, eve_, queue_, request.rules),
        control_(outputs_.io_context(), requests_, [this] { reload(); }, capture_name(request)),
        started_(Clock::now()), last_stats_(started_) {
    if (config.eve_enabled) {
      std::error_code error;
      std::filesystem::create_directories(config.log_dir, error);
      summary_.eve_path = (std::filesystem::path(config.log_dir) / config.eve_filename).string();
      outputs_.add_output(std::make_unique<alert::EveFileOutput>(summary_.eve_path, config.eve_types));
    }
    if (config.syslog.enabled) {
      outputs_.add_output(std::make_unique<alert::SyslogOutput>(outputs_.io_context(), config.syslog));
      spdlog::info("alerts to {}", outputs_.outputs().back()->name());
    }
    control_.start();
  }

  ~Session() {
    control_.cancel();
    outputs_.stop();
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  engine::Worker& worker() { return worker_; }
  alert::EveWriter& eve() { return eve_; }
  bool stopping() const { return requests_.stop.load(std::memory_order_relaxed); }

  // Called between dispatch batches: periodic stats and the progress line.
  void tick(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources,
            const capture::PacketSource* file, std::size_t file_number) {
    const auto now = Clock::now();
    publish_status(live_sources);
    const bool interval_due = config_.stats_interval_seconds != 0 &&
                              now - last_stats_ >= std::chrono::seconds(config_.stats_interval_seconds);
    if (requests_.stats.exchange(false) || interval_due) {
      last_stats_ = now;
      write_stats(live_sources);
      if (!live_sources.empty()) log_stats_line(live_sources);
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
    control_.cancel();
    outputs_.stop();
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
    summary_.queue_drops = queue_.dropped();
    for (const auto& output : outputs_.outputs()) {
      const alert::OutputCounters counters = output->counters();
      summary_.outputs.emplace_back(std::string(output->name()), counters);
      if (output->name().starts_with("eve ")) {
        summary_.eve_lines = counters.written;
        summary_.eve_dropped = counters.dropped + summary_.queue_drops;
      }
    }
    summary_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return summary_;
  }

  void add_capture_stats(const capture::CaptureStats& stats) { capture_.add(stats); }

  // Once capture is open: the caller's start-up hook (privileges), then the output thread (threads
  // start only after the privilege drop: capabilities are per thread) and READY=1.
  void started() {
    if (request_.on_started) request_.on_started();
    outputs_.start();
    control_.ready();
  }

 private:
  // SIGHUP, on the output thread: new rules compiled there, off the packet path, and swapped in (a
  // broken file keeps the old ones); outputs reopened so logrotate's `create` and `copytruncate`
  // both work.
  void reload() {
    if (request_.rules != nullptr) {
      const rules::ReloadResult result = request_.rules->reload(config_.rules_dir, request_.rule_options);
      if (result.ok) spdlog::info("reloaded {} rules from {}", result.rules, config_.rules_dir);
      else spdlog::error("rules not reloaded, the previous ones stay: {}", result.error);
    }
    outputs_.reopen();
  }

  CaptureTotals capture_totals(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources) const {
    CaptureTotals capture = capture_;
    for (const auto& source : live_sources) capture.add(source->stats());
    return capture;
  }

  void write_stats(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources) {
    snapshot_.clear();
    snapshot_.set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count());
    const CaptureTotals capture = capture_totals(live_sources);
    if (!request_.interfaces.empty()) {
      snapshot_.add("capture.kernel_packets", capture.kernel_packets);
      snapshot_.add("capture.kernel_drops", capture.kernel_drops);
      snapshot_.add("capture.kernel_ifdrops", capture.kernel_ifdrops);
    }
    worker_.collect_stats(snapshot_);
    alert::write_stats(eve_, queue_, worker_.stats().last_packet, snapshot_);
  }

  void publish_status(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources) {
    requests_.heartbeat.fetch_add(1, std::memory_order_relaxed);
    requests_.packets.store(worker_.stats().packets, std::memory_order_relaxed);
    requests_.alerts.store(worker_.app_layer_stats().alerts, std::memory_order_relaxed);
    if (!live_sources.empty() && ++status_turns_ % 64 == 0) {  // pcap_stats is a system call
      const CaptureTotals capture = capture_totals(live_sources);
      requests_.drops.store(capture.kernel_drops + capture.kernel_ifdrops, std::memory_order_relaxed);
    }
  }

  // The operator's view in the log (journal) at each stats interval.
  void log_stats_line(const std::vector<std::unique_ptr<capture::PacketSource>>& live_sources) {
    const CaptureTotals capture = capture_totals(live_sources);
    const auto& w = worker_.stats();
    const auto& app = worker_.app_layer_stats();
    std::string events;
    for (std::size_t p = 1; p < static_cast<std::size_t>(events::Protocol::count_); ++p)
      if (app.tx[p] != 0)
        events += fmt::format("{}{} {}", events.empty() ? "" : ", ", events::name_of(static_cast<events::Protocol>(p)), app.tx[p]);
    std::string alerts;
    for (std::size_t i = 0; i < engine::AppLayerStats::tracked_rules && app.alert_rule[i] != 0; ++i)
      alerts += fmt::format("{}{}: {}", alerts.empty() ? "" : ", ", app.alert_rule[i], app.alert_count[i]);
    spdlog::info("stats: {} packets, {:.1f} MB, {} kernel drops, {} flows, events ({}), {} alerts ({}), "
                 "{} records lost before output",
                 w.packets, static_cast<double>(w.bytes) / 1e6, capture.kernel_drops + capture.kernel_ifdrops,
                 worker_.flow_stats().total, events.empty() ? "none" : events, app.alerts,
                 alerts.empty() ? "none" : alerts, queue_.dropped());
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
  RunRequests requests_;
  alert::EveWriter eve_;
  alert::OutputThread outputs_;
  alert::RecordQueue& queue_;
  engine::Worker worker_;
  Control control_;
  alert::StatsSnapshot snapshot_;
  CaptureTotals capture_;
  Clock::time_point started_;
  Clock::time_point last_stats_;
  Clock::time_point last_progress_{};
  std::uint64_t status_turns_ = 0;
  RunSummary summary_;
};

const std::vector<std::unique_ptr<capture::PacketSource>> no_live_sources;

void run_offline(Session& session, const SensorConfig& config, const RunRequest& request) {
  capture::OfflineOptions options;
  options.bpf = config.live.bpf;
  session.started();
  for (std::size_t i = 0; i < request.pcap_files.size() && !session.stopping(); ++i) {
    auto source = capture::open_offline(request.pcap_files[i], static_cast<std::uint16_t>(i), options);
    session.eve().set_pcap_filename(request.pcap_files[i]);
    spdlog::debug("reading {} (link type {})", request.pcap_files[i], source->linktype());
    while (!session.stopping()) {
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
  session.started();
  std::vector<pollfd> fds(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) fds[i] = {sources[i]->selectable_fd(), POLLIN, 0};
  while (!session.stopping()) {
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
