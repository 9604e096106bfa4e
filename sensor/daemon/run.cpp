#include "daemon/run.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include "alert/eve_output.hpp"
#include "alert/eve_writer.hpp"
#include "alert/output_thread.hpp"
#include "alert/record_queue.hpp"
#include "alert/kafka_output.hpp"
#include "alert/redis_output.hpp"
#include "alert/syslog_output.hpp"
#include "alert/stats_record.hpp"
#include "alert/stats_snapshot.hpp"
#include "capture/fanout.hpp"
#include "capture/packet_source.hpp"
#include "daemon/control.hpp"
#include "daemon/worker_thread.hpp"

namespace spanwatch::daemon {
namespace {

using Clock = std::chrono::steady_clock;

// How often the supervising thread looks at the workers (heartbeats, stats, progress).
constexpr std::chrono::milliseconds supervisor_tick{50};

alert::EveContext context_for(const SensorConfig& config, const RunRequest& request) {
  alert::EveContext context;
  context.host = config.sensor_name;
  for (const auto& name : request.interfaces) context.in_iface += (context.in_iface.empty() ? "" : ",") + name;
  return context;
}

// Each stats record is followed by one `engine` record per output with its delivery counters.
alert::OutputThreadOptions output_thread_options(const SensorConfig& config) {
  alert::OutputThreadOptions options;
  options.report_outputs = true;
  options.report_context.host = config.sensor_name;
  return options;
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

// The options of worker `index` of `count`. Offline every worker reads every packet and keeps its
// shard; live the kernel's fanout group already split them, so a worker keeps all it is given.
engine::EngineOptions worker_options(const SensorConfig& config, bool offline, std::size_t index, std::size_t count) {
  engine::EngineOptions options = config.engine;
  options.shard_index = static_cast<std::uint16_t>(offline ? index : 0);
  options.shard_count = static_cast<std::uint16_t>(offline ? count : 1);
  // A fixed flow-id seed would give every worker the same ids: space their counters 2^44 apart.
  if (options.flow.flow_id_seed != 0) options.flow.flow_id_seed += static_cast<std::uint64_t>(index) << 44;
  return options;
}

// Counters that are not sums across workers (Suricata aggregates them the same way).
bool is_max_path(std::string_view path) { return path == "decoder.max_pkt_size"; }
bool is_average_path(std::string_view path) { return path == "decoder.avg_pkt_size"; }

// The workers' reports added up: one stats record and one summary for the whole sensor.
struct Totals {
  alert::StatsSnapshot stats;
  core::Timestamp last_packet;
  RunSummary figures;  // packets .. alerts_by_rule, kernel drops, queue drops
  std::uint64_t kernel_packets = 0;

  void add(const WorkerReport& r) {
    // A worker picks its shard from the IP header before decoding, so its decoder and defrag
    // counters cover its own shard only and the sum is the whole capture.
    std::uint64_t max_packet = 0;
    for (const alert::StatsEntry& e : r.stats.entries()) {
      if (is_max_path(e.path)) max_packet = e.value;
      else if (!is_average_path(e.path)) stats.add(e.path, e.value);
    }
    max_packet_ = std::max(max_packet_, max_packet);
    if (last_packet < r.last_packet) last_packet = r.last_packet;
    figures.packets += r.packets;
    figures.bytes += r.bytes;
    figures.flows += r.flows;
    figures.malformed += r.malformed;
    figures.anomalies += r.anomalies;
    figures.anomalies_suppressed += r.anomalies_suppressed;
    figures.checksum_ignored += r.checksum_ignored;
    figures.checksum_offload_workers += r.checksum_offload;
    for (std::size_t p = 0; p < WorkerReport::protocols; ++p) {
      figures.events += r.events[p];
      figures.app_flows[p] += r.app_flows[p];
      events_[p] += r.events[p];
    }
    figures.alerts += r.alerts;
    for (std::size_t i = 0; i < WorkerReport::tracked_rules && r.alert_rule[i] != 0; ++i) {
      auto at = std::find_if(figures.alerts_by_rule.begin(), figures.alerts_by_rule.end(),
                             [&](const auto& entry) { return entry.first == r.alert_rule[i]; });
      if (at == figures.alerts_by_rule.end()) figures.alerts_by_rule.emplace_back(r.alert_rule[i], r.alert_count[i]);
      else at->second += r.alert_count[i];
    }
    std::sort(figures.alerts_by_rule.begin(), figures.alerts_by_rule.end());
    figures.kernel_drops += r.capture.kernel_drops;
    figures.kernel_ifdrops += r.capture.kernel_ifdrops;
    kernel_packets += r.capture.kernel_packets;
    figures.queue_drops += r.queue_drops;
  }

  // Adds the non-sum counters once every report is in.
  alert::StatsSnapshot& complete() {
    if (stats.entries().empty()) return stats;
    stats.add("decoder.max_pkt_size", max_packet_);
    std::uint64_t packets = 0, bytes = 0;
    for (const alert::StatsEntry& e : stats.entries()) {
      if (e.path == "decoder.pkts") packets = e.value;
      if (e.path == "decoder.bytes") bytes = e.value;
    }
    stats.add("decoder.avg_pkt_size", packets == 0 ? 0 : bytes / packets);
    return stats;
  }
  std::uint64_t events(std::size_t protocol) const { return events_[protocol]; }

 private:
  std::uint64_t max_packet_ = 0;
  std::uint64_t events_[WorkerReport::protocols] = {};
};

// Owns one run: the output thread and its outputs, the control side (signals, systemd), the packet
// workers, and the supervision the calling thread does while they run (heartbeats for the
// watchdog, periodic stats summed over the workers, the progress line).
class Session {
 public:
  Session(const SensorConfig& config, const RunRequest& request)
      : config_(config), request_(request), worker_count_(std::max<std::size_t>(1, config.workers)),
        stats_eve_(context_for(config, request)), outputs_(output_thread_options(config)),
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
    if (config.kafka.enabled) {
      alert::KafkaOptions kafka = config.kafka;
      kafka.sensor_name = config.sensor_name;
      outputs_.add_output(std::make_unique<alert::KafkaOutput>(outputs_.io_context(), std::move(kafka)));
      spdlog::info("records to {}", outputs_.outputs().back()->name());
    }
    if (config.redis.enabled) {
      outputs_.add_output(std::make_unique<alert::RedisOutput>(outputs_.io_context(), config.redis));
      spdlog::info("records to {}", outputs_.outputs().back()->name());
    }
    const bool offline = !request.pcap_files.empty();
    for (std::size_t i = 0; i < worker_count_; ++i) {
      WorkerSetup setup;
      setup.index = i;
      setup.engine = worker_options(config, offline, i, worker_count_);
      setup.eve = context_for(config, request);
      setup.queue = &outputs_.add_queue(queue_options(config, request));
      setup.rules = request.rules;
      setup.pcap_files = request.pcap_files;
      setup.offline.bpf = config.live.bpf;
      setup.live_timeout_ms = config.live.timeout_ms;
      setups_.push_back(std::move(setup));
    }
    // Last, so that in each turn of the output thread the workers' records go first.
    stats_queue_ = &outputs_.add_queue(queue_options(config, request));
    control_.start();
  }

  ~Session() {
    abort_.store(true);
    workers_.clear();  // joins
    control_.cancel();
    outputs_.stop();
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Live: one handle per interface per worker, opened while we still may (root or CAP_NET_RAW);
  // with several workers the handles of an interface form one kernel fanout group.
  void open_live() {
    for (std::size_t i = 0; i < request_.interfaces.size(); ++i) {
      const std::string& name = request_.interfaces[i];
      std::vector<capture::PacketSource*> group;
      for (auto& setup : setups_) {
        setup.live_sources.push_back(capture::open_live(name, static_cast<std::uint16_t>(i), config_.live));
        group.push_back(setup.live_sources.back().get());
      }
      if (!group[0]->warnings().empty()) spdlog::warn("{}: {}", name, group[0]->warnings());
      if (worker_count_ == 1) {
        spdlog::info("capturing on {} (link type {})", name, group[0]->linktype());
        continue;
      }
      const capture::FanoutGroup fanout = capture::join_fanout(group, config_.fanout);
      spdlog::info("capturing on {} (link type {}) with {} workers, fanout group {} by {}", name, group[0]->linktype(),
                   worker_count_, fanout.id, fanout.mode == capture::FanoutMode::ip_pair ? "IP pair" : "flow hash");
    }
  }

  // Capture is open: the caller's start-up hook (privileges), the output thread, READY=1, then the
  // workers. Threads start only after the privilege drop: capabilities are per thread.
  void start() {
    if (request_.on_started) request_.on_started();
    outputs_.start();
    control_.ready();
    last_heartbeats_.assign(worker_count_, 0);
    for (auto& setup : setups_) {
      workers_.push_back(std::make_unique<WorkerThread>(std::move(setup), requests_.stop, abort_, [this] {
        {
          std::lock_guard lock(finished_mutex_);
          ++finished_;
        }
        finished_changed_.notify_one();
      }));
    }
    setups_.clear();
    for (auto& worker : workers_) worker->start();
    if (worker_count_ > 1) spdlog::info("{} packet workers", worker_count_);
  }

  // Until every worker has ended (end of input, a stop request, or an error).
  void supervise() {
    std::unique_lock lock(finished_mutex_);
    while (finished_ < worker_count_) {
      finished_changed_.wait_for(lock, supervisor_tick);
      lock.unlock();
      tick();
      lock.lock();
    }
  }

  RunSummary finish() {
    for (auto& worker : workers_) worker->join();
    for (auto& worker : workers_)
      if (worker->error()) std::rethrow_exception(worker->error());
    if (request_.show_progress) std::fputs("\r\033[K", stderr);
    Totals totals;
    for (auto& worker : workers_) totals.add(worker->final_report());
    write_stats(totals);
    control_.cancel();
    outputs_.stop();
    if (worker_count_ > 1) {
      for (const auto& worker : workers_) {
        const WorkerReport& r = worker->final_report();
        spdlog::info("worker {}: {} packets, {} flows, {} alerts ({} packets of other shards skipped)", worker->index(),
                     r.packets, r.flows, r.alerts, r.other_shard);
      }
    }
    const std::string eve_path = summary_.eve_path;
    summary_ = totals.figures;
    summary_.eve_path = eve_path;
    summary_.workers = worker_count_;
    for (const auto& output : outputs_.outputs()) {
      const alert::OutputCounters counters = output->counters();
      summary_.outputs.emplace_back(std::string(output->name()), counters);
      if (output->name().starts_with("eve ")) {
        summary_.eve_lines = counters.written;
        summary_.eve_dropped = counters.dropped + summary_.queue_drops + stats_queue_->dropped();
      }
    }
    summary_.queue_drops += stats_queue_->dropped();
    summary_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    return summary_;
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

  void tick() {
    const auto now = Clock::now();
    publish_status();
    const bool interval_due = config_.stats_interval_seconds != 0 &&
                              now - last_stats_ >= std::chrono::seconds(config_.stats_interval_seconds);
    if (!collecting_ && (requests_.stats.exchange(false) || interval_due)) {
      last_stats_ = now;
      for (auto& worker : workers_) worker->request_report();
      collecting_ = true;
    }
    if (collecting_) collect_stats();
    if (request_.show_progress && now - last_progress_ >= std::chrono::milliseconds(500)) {
      last_progress_ = now;
      print_progress(now);
    }
  }

  // Writes the periodic stats record once every worker has answered (each fills its report on its
  // own thread; nothing of a running worker is read here but what it published).
  void collect_stats() {
    Totals totals;
    for (auto& worker : workers_) {
      const WorkerReport* report = worker->report_if_ready();
      if (report == nullptr) return;  // next tick
      totals.add(*report);
    }
    collecting_ = false;
    write_stats(totals);
    if (!request_.interfaces.empty()) log_stats_line(totals);
  }

  void write_stats(Totals& totals) {
    alert::StatsSnapshot& snapshot = totals.complete();
    snapshot.set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count());
    if (!request_.pcap_files.empty()) stats_eve_.set_pcap_filename(request_.pcap_files[slowest_file() - 1]);
    alert::write_stats(stats_eve_, *stats_queue_, totals.last_packet, snapshot);
  }

  // The watchdog is fed only while every worker's heartbeat moves (a finished worker is not stuck).
  void publish_status() {
    bool all_moved = true;
    std::uint64_t packets = 0, alerts = 0, drops = 0;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      const WorkerPulse& pulse = workers_[i]->pulse();
      const std::uint64_t heartbeat = pulse.heartbeat.load(std::memory_order_relaxed);
      if (heartbeat == last_heartbeats_[i] && !pulse.finished.load(std::memory_order_relaxed)) all_moved = false;
      packets += pulse.packets.load(std::memory_order_relaxed);
      alerts += pulse.alerts.load(std::memory_order_relaxed);
      drops += pulse.drops.load(std::memory_order_relaxed);
    }
    if (all_moved) {
      requests_.heartbeat.fetch_add(1, std::memory_order_relaxed);
      for (std::size_t i = 0; i < workers_.size(); ++i)
        last_heartbeats_[i] = workers_[i]->pulse().heartbeat.load(std::memory_order_relaxed);
    }
    requests_.packets.store(packets, std::memory_order_relaxed);
    requests_.alerts.store(alerts, std::memory_order_relaxed);
    requests_.drops.store(drops, std::memory_order_relaxed);
  }

  // The operator's view in the log (journal) at each stats interval.
  void log_stats_line(const Totals& totals) {
    const RunSummary& f = totals.figures;
    std::string events;
    for (std::size_t p = 1; p < WorkerReport::protocols; ++p)
      if (totals.events(p) != 0)
        events += fmt::format("{}{} {}", events.empty() ? "" : ", ", events::name_of(static_cast<events::Protocol>(p)),
                              totals.events(p));
    std::string alerts;
    for (const auto& [rule, count] : f.alerts_by_rule) alerts += fmt::format("{}{}: {}", alerts.empty() ? "" : ", ", rule, count);
    spdlog::info("stats: {} packets, {:.1f} MB, {} kernel drops, {} flows, events ({}), {} alerts ({}), "
                 "{} records lost before output",
                 f.packets, static_cast<double>(f.bytes) / 1e6, f.kernel_drops + f.kernel_ifdrops, f.flows,
                 events.empty() ? "none" : events, f.alerts, alerts.empty() ? "none" : alerts, f.queue_drops);
  }

  // Offline: the file the slowest worker is reading (1-based), for progress and stats records.
  std::size_t slowest_file() const {
    std::size_t file = request_.pcap_files.size();
    for (const auto& worker : workers_)
      if (!worker->pulse().finished.load(std::memory_order_relaxed))
        file = std::min(file, std::max<std::size_t>(1, worker->pulse().file_number.load(std::memory_order_relaxed)));
    return std::max<std::size_t>(1, file);
  }

  void print_progress(Clock::time_point now) {
    std::uint64_t packets = 0, bytes = 0;
    for (const auto& worker : workers_) {
      packets += worker->pulse().packets.load(std::memory_order_relaxed);
      bytes += worker->pulse().bytes.load(std::memory_order_relaxed);
    }
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const double gbps = seconds > 0 ? static_cast<double>(bytes) * 8 / seconds / 1e9 : 0;
    if (!request_.pcap_files.empty()) {
      // The slowest worker's position in the file it reads.
      const std::size_t file = slowest_file();
      double percent = 100;
      for (const auto& worker : workers_) {
        const WorkerPulse& pulse = worker->pulse();
        if (pulse.finished.load(std::memory_order_relaxed) || pulse.file_number.load(std::memory_order_relaxed) != file)
          continue;
        const std::uint64_t size = pulse.file_size.load(std::memory_order_relaxed);
        if (size != 0)
          percent = std::min(percent, 100.0 * static_cast<double>(pulse.file_position.load(std::memory_order_relaxed)) /
                                          static_cast<double>(size));
      }
      std::fprintf(stderr, "\r\033[Kfile %zu/%zu %3.0f%% | %.2f M packets | %.1f MB | %.2f Gbit/s", file,
                   request_.pcap_files.size(), percent, static_cast<double>(packets) / 1e6,
                   static_cast<double>(bytes) / 1e6, gbps);
    } else {
      std::fprintf(stderr, "\r\033[K%.2f M packets | %.1f MB | %.2f Gbit/s", static_cast<double>(packets) / 1e6,
                   static_cast<double>(bytes) / 1e6, gbps);
    }
    std::fflush(stderr);
  }

  const SensorConfig& config_;
  const RunRequest& request_;
  const std::size_t worker_count_;
  RunRequests requests_;
  std::atomic<bool> abort_{false};  // a worker failed (or the run is torn down): every worker ends
  alert::EveWriter stats_eve_;      // the supervisor's, for stats records
  alert::OutputThread outputs_;
  Control control_;
  std::vector<WorkerSetup> setups_;  // until start()
  std::vector<std::unique_ptr<WorkerThread>> workers_;
  alert::RecordQueue* stats_queue_ = nullptr;
  std::mutex finished_mutex_;
  std::condition_variable finished_changed_;
  std::size_t finished_ = 0;  // guarded by finished_mutex_
  std::vector<std::uint64_t> last_heartbeats_;
  bool collecting_ = false;
  Clock::time_point started_;
  Clock::time_point last_stats_;
  Clock::time_point last_progress_{};
  RunSummary summary_;
};

}  // namespace

RunSummary run(const SensorConfig& config, const RunRequest& request) {
  Session session(config, request);
  if (request.pcap_files.empty()) session.open_live();
  session.start();
  session.supervise();
  return session.finish();
}

}  // namespace spanwatch::daemon
