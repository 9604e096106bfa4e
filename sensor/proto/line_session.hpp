#pragma once
// What the command/response line protocols (FTP, POP3) do alike around their state machines: a
// LineFramer per direction on the worker's split-line buffers, the commands awaiting their answer (a
// PooledQueue from the worker's pool, bounded), the anomaly counters, and detaching after
// max_malformed_lines lines in a row that are not the protocol. Each parser keeps one LineSession and
// its own protocol logic; the session calls the parser's handlers directly (templates on the parser,
// which is `final`), so a line costs no virtual call, and it allocates nothing past the pools.
//
// A parser using it lets the session call (friend) these members:
//   Verdict on_client_line(const Line&, FeedContext&)
//   Verdict on_server_line(const Line&, FeedContext&, bool& switch_now)  switch_now: after this line
//                                                                        the flow is TLS
//   void on_unanswered(const Command&, FeedContext&)  a command that gets no answer (queue full, flow end)
//   void finish(FeedContext&)                          Dissector::finish
#include <algorithm>
#include <cstddef>
#include <memory>
#include <string_view>

#include "core/bytes.hpp"
#include "core/counters.hpp"
#include "core/direction.hpp"
#include "events/anomaly.hpp"
#include "proto/dissector.hpp"
#include "proto/line_framer.hpp"
#include "proto/verb.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto {

// The pools a worker's line sessions of one protocol share; a protocol's workspace adds its own.
template <class Command>
struct LineWorkspace {
  explicit LineWorkspace(std::size_t max_line) : lines(make_line_buffers(max_line, 0)) {}

  std::shared_ptr<LineBuffers> lines;             // lines split across segments, both directions
  typename PooledQueue<Command>::Pool pending;    // commands awaiting their answer
};

// `options` with a workspace of its own when it names none (a parser built outside the engine).
template <class Options>
Options with_own_workspace(Options options) {
  if (!options.workspace)
    options.workspace = std::make_shared<typename decltype(Options::workspace)::element_type>(options);
  return options;
}

// `Command`: a pending command with `verb` (FixedString<16>) and `truncated` fields and a default state.
template <class Command, class Anomaly>
class LineSession {
 public:
  using Queue = PooledQueue<Command>;

  // `options` has max_line, max_pending_commands, max_malformed_lines and a non-null workspace
  // (a LineWorkspace<Command>). Anomalies are emitted as AppAnomaly of `protocol`.
  template <class Options>
  LineSession(const Options& options, events::Protocol protocol, Anomaly too_many_pending, Anomaly not_protocol)
      : framers_{LineFramer(options.max_line, options.workspace->lines),
                 LineFramer(options.max_line, options.workspace->lines)},
        pending_capacity_(std::max<std::size_t>(options.max_pending_commands, 1)),
        pending_(options.workspace->pending),
        max_malformed_lines_(options.max_malformed_lines),
        protocol_(protocol),
        too_many_pending_(too_many_pending),
        not_protocol_(not_protocol) {}

  // The lines of `bytes` to the parser's handlers, in order, until one answers other than more.
  template <class Parser>
  Verdict feed(Parser& parser, core::Direction direction, core::Bytes bytes, FeedContext& context,
               std::size_t& consumed) {
    consumed = bytes.size();
    if (detached_) return Verdict::stop();
    LineFramer& framer = framers_[core::index_of(direction)];
    std::size_t offset = 0;
    Line line;
    while (framer.next(bytes, offset, line)) {
      if (direction == core::Direction::to_server) {
        const Verdict v = parser.on_client_line(line, context);
        if (v.want != Verdict::Want::more) return v;
        continue;
      }
      bool switch_now = false;
      const Verdict v = parser.on_server_line(line, context, switch_now);
      if (switch_now) {
        parser.finish(context);  // the engine calls nothing on a switched parser: report what is held now
        consumed = offset;
        return Verdict::switch_to(events::Protocol::tls);
      }
      if (v.want != Verdict::Want::more) return v;
    }
    return Verdict::more();
  }

  void report(Anomaly anomaly, FeedContext& context) {
    anomalies_.add(anomaly);
    context.sink.emit(events::AppAnomaly{protocol_, anomaly_name(anomaly)});
  }

  // A line that is not the protocol: reported; after max_malformed_lines in a row the parser
  // reports what it holds and detaches (stop).
  template <class Parser>
  Verdict malformed(Parser& parser, Anomaly anomaly, FeedContext& context) {
    report(anomaly, context);
    if (++malformed_in_row_ < max_malformed_lines_) return Verdict::more();
    report(not_protocol_, context);
    parser.finish(context);  // the engine calls nothing on a stopped parser: report what is held now
    detached_ = true;
    return Verdict::stop();
  }
  void well_formed() { malformed_in_row_ = 0; }
  bool detached() const { return detached_; }
  // What a parser answers outside feed (gap): stop once detached.
  Verdict verdict() const { return detached_ ? Verdict::stop() : Verdict::more(); }

  // A new last command, its verb upper-cased and the rest as a new entry's. When the queue is full,
  // the oldest never got its answer: it is reported unanswered and makes room.
  template <class Parser>
  Command& push_command(Parser& parser, std::string_view verb, bool truncated, FeedContext& context) {
    if (pending_.size() == pending_capacity_) {
      report(too_many_pending_, context);
      parser.on_unanswered(pending_.front(), context);
      pending_.pop_front();
    }
    Command& command = pending_.push_back();
    command = Command{};
    command.verb = upper_verb(verb);
    command.truncated = truncated;
    return command;
  }
  // Every command still waiting, reported unanswered and given back (the flow ends).
  template <class Parser>
  void flush_pending(Parser& parser, FeedContext& context) {
    while (!pending_.empty()) {
      parser.on_unanswered(pending_.front(), context);
      pending_.pop_front();
    }
  }
  Queue& pending() { return pending_; }
  const Queue& pending() const { return pending_; }

  LineFramer& framer(core::Direction direction) { return framers_[core::index_of(direction)]; }
  // Bytes of `direction` were lost: its partial line goes.
  void gap(core::Direction direction) { framer(direction).gap(); }
  void reset() {
    for (auto& framer : framers_) framer.reset();
    pending_.clear();
    anomalies_ = {};
    malformed_in_row_ = 0;
    detached_ = false;
  }

  const core::EnumCounters<Anomaly>& anomalies() const { return anomalies_; }

 private:
  LineFramer framers_[2];
  core::EnumCounters<Anomaly> anomalies_;
  std::size_t pending_capacity_;
  Queue pending_;  // at most pending_capacity_ entries, each from the workspace's pool
  std::size_t max_malformed_lines_;
  std::size_t malformed_in_row_ = 0;
  events::Protocol protocol_;
  Anomaly too_many_pending_;
  Anomaly not_protocol_;
  bool detached_ = false;
};

}  // namespace spanwatch::proto
