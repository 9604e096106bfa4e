#pragma once
// Runs a RuleSet over events: one RuleEvaluator per worker, owning that worker's threshold windows,
// per-flow alert marks and correlation marks (bounded tables sized at construction, keyed by rule id
// so they outlive a rule reload) and its regex scratch. evaluate() allocates nothing.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "events/event.hpp"
#include "rules/alert.hpp"
#include "rules/flow_context.hpp"
#include "rules/regex_pattern.hpp"
#include "rules/rule_set.hpp"
#include "rules/state_table.hpp"
#include "rules/threshold.hpp"

namespace spanwatch::rules {

struct EvaluatorOptions {
  std::size_t threshold_entries = 4096;      // tracked keys with a threshold window (≈ 640 B each)
  std::size_t alerted_flow_entries = 65536;  // (rule, flow) pairs already alerted, for per-flow dedupe
  std::int64_t alerted_flow_seconds = 86400; // how long such a mark is kept if the table has room
  std::size_t correlation_entries = 4096;    // firings remembered for `after:`
  std::size_t metadata_bytes = 2048;         // rendered metadata text per alert
  std::size_t metadata_entries = 32;         // metadata values per alert
  RegexOptions regex;                        // per-search limits of `regex:` conditions
};

struct EvaluatorStats {
  std::uint64_t events = 0;
  std::uint64_t rules_checked = 0;       // rules run (only those of the event's type)
  std::uint64_t matched = 0;             // match blocks that held
  std::uint64_t suppressed = 0;          // ... but a suppress entry covered the address
  std::uint64_t uncorrelated = 0;        // ... but the `after:` rule had not fired
  std::uint64_t below_threshold = 0;     // ... but the threshold did not fire
  std::uint64_t deduplicated = 0;        // ... but the flow had already alerted on this rule
  std::uint64_t alerts = 0;
  std::uint64_t metadata_truncated = 0;  // alerts whose metadata did not fit
};

class RuleEvaluator {
 public:
  explicit RuleEvaluator(const EvaluatorOptions& options = {});
  RuleEvaluator(const RuleEvaluator&) = delete;
  RuleEvaluator& operator=(const RuleEvaluator&) = delete;

  // Runs the rules for the event's type; every alert goes to `sink` before this returns. Returns
  // how many alerts were raised. `flow.ts` is the event's time (windows use capture time).
  std::size_t evaluate(const RuleSet& rules, const events::Event& event, const FlowContext& flow, AlertSink& sink);

  const EvaluatorStats& stats() const { return stats_; }
  std::uint64_t threshold_evictions() const { return thresholds_.evictions(); }
  std::uint64_t alerted_flow_evictions() const { return alerted_flows_.evictions(); }
  std::uint64_t correlation_evictions() const { return fired_.evictions(); }
  const RegexStats& regex_stats() const { return regex_.stats(); }  // searches, limit hits, errors

 private:
  bool run(const Rule& rule, const events::Event& event, const Subjects& subjects, AlertSink& sink);
  StateKey key_for(std::uint32_t rule_id, Track track, const Subjects& subjects, const Rule& rule) const;
  bool suppressed(const Rule& rule, const FlowContext& flow) const;
  void emit(const Rule& rule, const events::Event& event, const Subjects& subjects, const ThresholdFacts& facts,
            AlertSink& sink);

  EvaluatorOptions options_;
  StateTable<ThresholdState> thresholds_;
  StateTable<std::uint8_t> alerted_flows_;
  StateTable<std::int64_t> fired_;  // time of the rule's last firing (ns)
  std::vector<char> metadata_text_;
  std::vector<MetadataEntry> metadata_;
  RegexMatcher regex_;  // this worker's PCRE2 match data: the RuleSet's patterns are shared
  EvaluatorStats stats_;
};

}  // namespace spanwatch::rules
