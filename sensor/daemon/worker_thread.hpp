#pragma once
// One packet worker on a thread of its own: its engine::Worker (flow table, parsers, rule state),
// its EveWriter and record queue, and its capture handles (live: opened before the privilege drop
// and handed over; offline: the thread opens each file itself, so packets stay views into its own
// libpcap buffer). Nothing here is shared with another worker. The supervisor (the thread that
// called daemon::run) sees a worker only through three race-free doors: the pulse (relaxed atomics
// for the status line and the watchdog), the report exchange (a snapshot the worker fills on its
// own thread when asked, published with release/acquire), and everything else after join().
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alert/eve_writer.hpp"
#include "alert/record_queue.hpp"
#include "alert/stats_snapshot.hpp"
#include "capture/packet_source.hpp"
#include "engine/worker.hpp"
#include "events/protocol.hpp"
#include "rules/rule_set_holder.hpp"

namespace spanwatch::daemon {

struct CaptureTotals {
  std::uint64_t kernel_packets = 0, kernel_drops = 0, kernel_ifdrops = 0, errors = 0;
  void add(const capture::CaptureStats& s) {
    kernel_packets += s.kernel_packets;
    kernel_drops += s.kernel_drops;
    kernel_ifdrops += s.kernel_ifdrops;
    errors += s.errors;
  }
};

// A worker's figures at one moment, taken on its own thread between capture batches.
struct WorkerReport {
  static constexpr std::size_t protocols = static_cast<std::size_t>(events::Protocol::count_);
  static constexpr std::size_t tracked_rules = engine::AppLayerStats::tracked_rules;

  alert::StatsSnapshot stats;  // Suricata's stats paths; capture.* when live
  core::Timestamp last_packet;
  std::uint64_t packets = 0, bytes = 0, other_shard = 0, flows = 0, malformed = 0, anomalies = 0,
                anomalies_suppressed = 0, checksum_ignored = 0, checksum_offload = 0;
  std::uint64_t events[protocols] = {};
  std::uint64_t app_flows[protocols] = {};
  std::uint64_t alerts = 0;
  std::uint32_t alert_rule[tracked_rules] = {};  // 0 ends the list
  std::uint64_t alert_count[tracked_rules] = {};
  CaptureTotals capture;
  std::uint64_t queue_drops = 0;
};

// Published by the worker at every turn of its loop, read by the supervisor (relaxed: figures).
struct WorkerPulse {
  std::atomic<std::uint64_t> heartbeat{0};
  std::atomic<std::uint64_t> packets{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> alerts{0};
  std::atomic<std::uint64_t> drops{0};  // live: kernel drops of its handles
  std::atomic<std::size_t> file_number{0};  // offline: 1-based file being read
  std::atomic<std::uint64_t> file_position{0};
  std::atomic<std::uint64_t> file_size{0};
  std::atomic<bool> finished{false};  // release: the final report and the worker are complete
};

struct WorkerSetup {
  std::size_t index = 0;
  engine::EngineOptions engine;   // shard_index/shard_count set by the caller
  alert::EveContext eve;
  alert::RecordQueue* queue = nullptr;
  const rules::RuleSetHolder* rules = nullptr;
  std::vector<std::string> pcap_files;  // offline; or
  capture::OfflineOptions offline;
  std::vector<std::unique_ptr<capture::PacketSource>> live_sources;  // live, open
  int live_timeout_ms = 100;
};

class WorkerThread {
 public:
  // `stop` is the run's stop request; `abort` is raised by a worker that failed so the others end
  // too. `on_finished` is called on the worker's thread as its last act.
  WorkerThread(WorkerSetup setup, const std::atomic<bool>& stop, std::atomic<bool>& abort,
               std::function<void()> on_finished);
  ~WorkerThread();  // joins
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  void start();
  void join();

  const WorkerPulse& pulse() const { return pulse_; }
  std::size_t index() const { return setup_.index; }

  // The report exchange, supervisor side: ask, then poll until ready. A worker that has finished
  // answers with its final report. Ask again only after the previous answer was read.
  void request_report();
  const WorkerReport* report_if_ready() const;

  // After join(): what ended the worker early (null if nothing), its final report.
  std::exception_ptr error() const { return error_; }
  const WorkerReport& final_report() const { return final_; }

 private:
  void run();
  void run_offline();
  void run_live();
  void dispatch_live(capture::PacketSource& source);
  void on_link_change(const capture::PacketSource& source, capture::DispatchStatus status);
  void between_batches();
  void fill_report(WorkerReport& report);
  bool stopping() const {
    return stop_.load(std::memory_order_relaxed) || abort_.load(std::memory_order_relaxed);
  }

  WorkerSetup setup_;
  const std::atomic<bool>& stop_;
  std::atomic<bool>& abort_;
  std::function<void()> on_finished_;
  alert::EveWriter eve_;
  std::optional<engine::Worker> worker_;  // built on the worker's thread (its tables are zeroed there)
  WorkerPulse pulse_;
  std::uint64_t turns_ = 0;
  std::chrono::steady_clock::time_point link_down_since_{};  // live: when a link last went down
  std::atomic<std::uint64_t> requested_{0};
  std::atomic<std::uint64_t> answered_{0};
  WorkerReport report_;
  WorkerReport final_;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace spanwatch::daemon
