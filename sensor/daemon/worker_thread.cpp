#include "daemon/worker_thread.hpp"

#include <poll.h>

#include <stdexcept>

#include <spdlog/spdlog.h>

namespace spanwatch::daemon {
namespace {

// pcap_stats is a system call: the drop figure of the status line is refreshed every this many turns.
constexpr std::uint64_t turns_per_drop_check = 64;

}  // namespace

WorkerThread::WorkerThread(WorkerSetup setup, const std::atomic<bool>& stop, std::atomic<bool>& abort,
                           std::function<void()> on_finished)
    : setup_(std::move(setup)), stop_(stop), abort_(abort), on_finished_(std::move(on_finished)), eve_(setup_.eve) {}

WorkerThread::~WorkerThread() { join(); }

void WorkerThread::start() { thread_ = std::thread([this] { run(); }); }

void WorkerThread::join() {
  if (thread_.joinable()) thread_.join();
}

void WorkerThread::request_report() { requested_.fetch_add(1, std::memory_order_release); }

const WorkerReport* WorkerThread::report_if_ready() const {
  if (pulse_.finished.load(std::memory_order_acquire)) return &final_;
  if (answered_.load(std::memory_order_acquire) == requested_.load(std::memory_order_relaxed)) return &report_;
  return nullptr;
}

void WorkerThread::run() {
  try {
    worker_.emplace(setup_.engine, eve_, *setup_.queue, setup_.rules);
    if (setup_.pcap_files.empty()) run_live();
    else run_offline();
  } catch (...) {
    error_ = std::current_exception();
    abort_.store(true);
  }
  if (worker_) {
    worker_->finish();
    fill_report(final_);
  }
  pulse_.finished.store(true, std::memory_order_release);
  on_finished_();
}

void WorkerThread::run_offline() {
  engine::Worker& worker = *worker_;
  for (std::size_t i = 0; i < setup_.pcap_files.size() && !stopping(); ++i) {
    const std::string& path = setup_.pcap_files[i];
    auto source = capture::open_offline(path, static_cast<std::uint16_t>(i), setup_.offline);
    eve_.set_pcap_filename(path);
    pulse_.file_number.store(i + 1, std::memory_order_relaxed);
    pulse_.file_size.store(source->file_size(), std::memory_order_relaxed);
    if (setup_.index == 0) spdlog::debug("reading {} (link type {})", path, source->linktype());
    while (!stopping()) {
      const capture::DispatchResult result = source->dispatch(-1, &engine::Worker::packet_callback, &worker);
      if (result.status == capture::DispatchStatus::end_of_file) break;
      if (result.status == capture::DispatchStatus::error) {
        // A damaged file tail: keep what was read, say so (once), go on with the next file.
        if (setup_.index == 0) spdlog::warn("{}: read error, stopping this file: {}", path, source->last_error());
        break;
      }
      pulse_.file_position.store(source->file_position(), std::memory_order_relaxed);
      between_batches();
    }
  }
}

void WorkerThread::run_live() {
  auto& sources = setup_.live_sources;
  std::vector<pollfd> fds(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) fds[i] = {sources[i]->selectable_fd(), POLLIN, 0};
  while (!stopping()) {
    if (sources.size() == 1) {
      dispatch_live(*sources[0]);  // waits at most live_timeout_ms itself
    } else {
      const bool ready = ::poll(fds.data(), fds.size(), setup_.live_timeout_ms) > 0;
      for (std::size_t i = 0; i < sources.size(); ++i) {
        // A handle whose link is down is asked every turn, so that it notices the link coming back.
        const bool readable = ready && (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
        if (readable || sources[i]->link_state() != capture::LinkState::up) dispatch_live(*sources[i]);
      }
    }
    between_batches();
  }
}

// A read error or a deleted interface ends the run (throws); a link going down or up is reported.
void WorkerThread::dispatch_live(capture::PacketSource& source) {
  const auto result = source.dispatch(-1, &engine::Worker::packet_callback, &*worker_);
  switch (result.status) {
    case capture::DispatchStatus::error:
      throw std::runtime_error(std::string(source.name()) + ": capture failed: " + std::string(source.last_error()));
    case capture::DispatchStatus::link_down:
    case capture::DispatchStatus::link_up:
      on_link_change(source, result.status);
      break;
    default:
      break;
  }
}

// Every worker has its own handle on the interface: the first one speaks for all of them.
void WorkerThread::on_link_change(const capture::PacketSource& source, capture::DispatchStatus status) {
  const char* what = source.link_state() == capture::LinkState::no_carrier ? "lost its carrier" : "went down";
  if (status == capture::DispatchStatus::link_down) {
    if (source.on_interface_down() == capture::InterfaceDownPolicy::exit)
      throw std::runtime_error(std::string(source.name()) + ": the interface " + what +
                               " (capture.on_interface_down: exit)");
    link_down_since_ = std::chrono::steady_clock::now();
    if (setup_.index == 0)
      spdlog::warn("{}: the interface {}; capture waits for it to come back (counted in capture.errors)",
                   source.name(), what);
    return;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - link_down_since_).count();
  if (setup_.index == 0)
    spdlog::info("{}: the interface is up again after {:.1f} s; capture resumes", source.name(), seconds);
}

void WorkerThread::between_batches() {
  const engine::Worker& worker = *worker_;
  pulse_.heartbeat.fetch_add(1, std::memory_order_relaxed);
  pulse_.packets.store(worker.stats().packets, std::memory_order_relaxed);
  pulse_.bytes.store(worker.stats().bytes, std::memory_order_relaxed);
  pulse_.alerts.store(worker.app_layer_stats().alerts, std::memory_order_relaxed);
  if (!setup_.live_sources.empty() && ++turns_ % turns_per_drop_check == 0) {
    CaptureTotals capture;
    for (const auto& source : setup_.live_sources) capture.add(source->stats());
    pulse_.drops.store(capture.kernel_drops + capture.kernel_ifdrops, std::memory_order_relaxed);
  }
  // The supervisor asked for a report: fill it here, on this thread, then publish it.
  const std::uint64_t wanted = requested_.load(std::memory_order_acquire);
  if (wanted != answered_.load(std::memory_order_relaxed)) {
    fill_report(report_);
    answered_.store(wanted, std::memory_order_release);
  }
}

void WorkerThread::fill_report(WorkerReport& r) {
  const engine::Worker& worker = *worker_;
  r.capture = {};
  for (const auto& source : setup_.live_sources) r.capture.add(source->stats());
  r.stats.clear();
  if (!setup_.live_sources.empty()) {
    r.stats.add("capture.kernel_packets", r.capture.kernel_packets);
    r.stats.add("capture.kernel_drops", r.capture.kernel_drops);
    r.stats.add("capture.kernel_ifdrops", r.capture.kernel_ifdrops);
    r.stats.add("capture.errors", r.capture.errors);
  }
  worker.collect_stats(r.stats);
  const engine::WorkerStats& w = worker.stats();
  r.last_packet = w.last_packet;
  r.packets = w.packets;
  r.bytes = w.bytes;
  r.other_shard = w.other_shard;
  r.flows = worker.flow_stats().total;
  r.malformed = w.malformed;
  r.anomalies = w.anomaly_records;
  const engine::AppLayerStats& app = worker.app_layer_stats();
  r.anomalies_suppressed = app.anomaly_records_suppressed;
  const flow::tcp::ReassemblyStats stream = worker.stream_stats();
  r.checksum_ignored = stream.invalid_checksum;
  r.checksum_offload = stream.checksum_offload_suspected;
  for (std::size_t p = 0; p < WorkerReport::protocols; ++p) {
    r.events[p] = app.tx[p];
    r.app_flows[p] = app.flows[p];
  }
  r.alerts = app.alerts;
  for (std::size_t i = 0; i < WorkerReport::tracked_rules; ++i) {
    r.alert_rule[i] = app.alert_rule[i];
    r.alert_count[i] = app.alert_count[i];
  }
  r.queue_drops = setup_.queue->dropped();
}

}  // namespace spanwatch::daemon
