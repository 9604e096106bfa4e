#pragma once
// The output side of the sensor: one thread running a Boost.Asio io_context. It drains the packet
// workers' record queues, hands every record to every output in order, flushes them on a timer and
// reopens them on request; outputs with I/O of their own (a syslog TCP peer) run it on the same
// io_context. The daemon also puts its signal handling and timers on it (io_context()).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "alert/eve_context.hpp"
#include "alert/eve_writer.hpp"
#include "alert/output.hpp"
#include "alert/record_queue.hpp"

namespace spanwatch::alert {

struct OutputThreadOptions {
  std::chrono::milliseconds poll_interval{5};     // an idle thread looks at the queues this often
  std::chrono::milliseconds flush_interval{100};  // outputs' flush() (eve.json reaches the disk)
  std::chrono::milliseconds stop_budget{5000};    // at stop, how long outputs may take to drain
  std::size_t batch = 4096;                       // records per queue per turn, so timers stay on time
  // After every stats record, one `engine` record per output with its delivery counters (module
  // "output.<kind>"), sent to every output like any record. The context gives their `host`.
  bool report_outputs = false;
  EveContext report_context{};
};

class OutputThread {
 public:
  explicit OutputThread(OutputThreadOptions options = {});
  ~OutputThread();  // stop() if still running
  OutputThread(const OutputThread&) = delete;
  OutputThread& operator=(const OutputThread&) = delete;

  // Before start(): one queue per producing thread, and the outputs.
  RecordQueue& add_queue(RecordQueueOptions options);
  void add_output(std::unique_ptr<Output> output);
  boost::asio::io_context& io_context() { return io_; }

  void start();
  // Thread-safe: reopen every output (log rotation) on the output thread.
  void reopen();
  // After the producers have stopped writing: drains every queue, flushes the outputs, gives them
  // stop_budget to deliver their backlogs, then ends the thread. Handlers the daemon put on the
  // io_context are abandoned with it.
  void stop();

  // Read after stop() (or on the output thread).
  const std::vector<std::unique_ptr<Output>>& outputs() const { return outputs_; }
  std::uint64_t records() const { return records_.load(std::memory_order_relaxed); }
  std::uint64_t queue_drops() const;  // records the workers could not queue

 private:
  void schedule_poll(std::chrono::milliseconds delay);
  void schedule_flush();
  bool drain_queues();  // true when a queue still had more than a batch
  void deliver(const Record& record);
  void report_outputs(core::Timestamp ts);
  void finish_stop();

  OutputThreadOptions options_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer poll_timer_;
  boost::asio::steady_timer flush_timer_;
  boost::asio::steady_timer stop_timer_;
  std::chrono::steady_clock::time_point stop_deadline_;
  std::vector<std::unique_ptr<RecordQueue>> queues_;
  std::vector<std::unique_ptr<Output>> outputs_;
  EveWriter report_writer_;
  std::thread thread_;
  std::atomic<std::uint64_t> records_{0};
  bool stopping_ = false;  // output thread only
};

}  // namespace spanwatch::alert
