#pragma once
// An output: where records end up (eve.json, syslog, later Kafka/Redis). Outputs live on the one
// output thread (a Boost.Asio io_context) and are only ever called from it, so they need no locks;
// an output with I/O of its own (a TCP peer) runs it asynchronously on that io_context.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "alert/record.hpp"

namespace spanwatch::alert {

struct OutputCounters {
  std::uint64_t written = 0;   // records handed to the destination
  std::uint64_t dropped = 0;   // records lost for any reason (each also counted below)
  std::uint64_t overflow = 0;  // of those, refused because the backlog was full
  std::uint64_t errors = 0;    // failed write/send/connect attempts
  std::uint64_t backlog = 0;   // records waiting now (e.g. for a peer to come back)
};

class Output {
 public:
  virtual ~Output() = default;
  virtual std::string_view name() const = 0;  // for logs: "eve", "syslog tcp 10.0.0.1:6514"
  // Takes one record. Never blocks: a record that cannot be sent now waits in a bounded backlog
  // or is dropped and counted.
  virtual void write(const Record& record) = 0;
  // Called by the output thread's timer (about every 100 ms) and before stopping.
  virtual void flush() {}
  // SIGHUP: reopen files (log rotation), reconnect nothing that works.
  virtual void reopen() {}
  // Graceful stop: try to deliver the backlog. The output thread keeps its io_context running
  // until every output reports drained() or its stop budget (a few seconds) is spent.
  virtual void begin_stop() {}
  virtual bool drained() const { return true; }
  virtual OutputCounters counters() const = 0;
  // The counters as "key=value" words ("written=52 dropped=0 ..."), for the `engine` record that
  // follows every stats record and for the summary. Outputs with more to say add their own words.
  virtual std::string delivery_report() const;
};

// The OutputCounters part of a delivery report.
std::string format_output_counters(const OutputCounters& counters);

}  // namespace spanwatch::alert
