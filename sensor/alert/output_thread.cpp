#include "alert/output_thread.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace spanwatch::alert {

OutputThread::OutputThread(OutputThreadOptions options)
    : options_(options), work_(boost::asio::make_work_guard(io_)), poll_timer_(io_), flush_timer_(io_),
      stop_timer_(io_) {}

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
}

}  // namespace spanwatch::alert
