#include "alert/output_thread.hpp"

#include <string>

#include "alert/engine_record.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace spanwatch::alert {

OutputThread::OutputThread(OutputThreadOptions options)
    : options_(options), work_(boost::asio::make_work_guard(io_)), poll_timer_(io_), flush_timer_(io_),
      stop_timer_(io_), report_writer_(options_.report_context) {}

OutputThread::~OutputThread() { stop(); }

RecordQueue& OutputThread::add_queue(RecordQueueOptions options) {
  queues_.push_back(std::make_unique<RecordQueue>(options));
  return *queues_.back();
}

void OutputThread::add_output(std::unique_ptr<Output> output) { outputs_.push_back(std::move(output)); }

std::uint64_t OutputThread::queue_drops() const {
  std::uint64_t total = 0;
  for (const auto& queue : queues_) total += queue->dropped();
  return total;
}

void OutputThread::start() {
  schedule_poll(options_.poll_interval);
  schedule_flush();
  thread_ = std::thread([this] {
    // A handler that throws must not end the output side: log it and go on.
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("output thread: {}", e.what());
      }
    }
  });
}

void OutputThread::reopen() {
  boost::asio::post(io_, [this] {
    for (auto& output : outputs_) output->reopen();
  });
}

void OutputThread::stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] {
    stopping_ = true;
    poll_timer_.cancel();
    flush_timer_.cancel();
    while (drain_queues()) {
    }
    for (auto& output : outputs_) {
      output->flush();
      output->begin_stop();
    }
    stop_deadline_ = std::chrono::steady_clock::now() + options_.stop_budget;
    finish_stop();
  });
  thread_.join();
}

// Waits, without blocking the io_context, for the outputs to drain or the budget to run out.
void OutputThread::finish_stop() {
  bool drained = true;
  for (const auto& output : outputs_) drained = drained && output->drained();
  if (drained || std::chrono::steady_clock::now() >= stop_deadline_) {
    for (const auto& output : outputs_) {
      const OutputCounters c = output->counters();
      if (c.backlog != 0) spdlog::warn("{}: {} records still waiting at exit are lost", output->name(), c.backlog);
    }
    work_.reset();
    io_.stop();
    return;
  }
  stop_timer_.expires_after(std::chrono::milliseconds(10));
  stop_timer_.async_wait([this](const boost::system::error_code&) { finish_stop(); });
}

void OutputThread::schedule_poll(std::chrono::milliseconds delay) {
  poll_timer_.expires_after(delay);
  poll_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_) return;
    // More than a batch waiting: come back at once (after other handlers had their turn).
    schedule_poll(drain_queues() ? std::chrono::milliseconds(0) : options_.poll_interval);
  });
}

void OutputThread::schedule_flush() {
  flush_timer_.expires_after(options_.flush_interval);
  flush_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_) return;
    for (auto& output : outputs_) output->flush();
    schedule_flush();
  });
}

bool OutputThread::drain_queues() {
  bool more = false;
  for (auto& queue : queues_) {
    const std::size_t taken = queue->drain([this](const Record& record) { deliver(record); }, options_.batch);
    more = more || (taken == options_.batch && !queue->empty());
  }
  return more;
}

void OutputThread::deliver(const Record& record) {
  records_.fetch_add(1, std::memory_order_relaxed);
  for (auto& output : outputs_) output->write(record);
  if (options_.report_outputs && record.event_type == "stats") report_outputs(record.timestamp);
}

void OutputThread::report_outputs(core::Timestamp ts) {
  for (const auto& reported : outputs_) {
    reported->flush();  // counters as of now: eve's lines on disk, Kafka's delivery reports served
    // "output.kafka" from "kafka brokers=...": the output's kind is the first word of its name.
    const std::string_view name = reported->name();
    const std::string module = "output." + std::string(name.substr(0, name.find(' ')));
    const std::string message = reported->delivery_report();
    const OutputCounters counters = reported->counters();
    const EngineLevel level = counters.dropped != 0 ? EngineLevel::warning : EngineLevel::info;
    const std::string_view line = format_engine(report_writer_, ts, level, module, message);
    if (line.empty()) continue;
    records_.fetch_add(1, std::memory_order_relaxed);
    const Record record{"engine", ts, line, nullptr};
    for (auto& output : outputs_) output->write(record);
  }
}

}  // namespace spanwatch::alert
