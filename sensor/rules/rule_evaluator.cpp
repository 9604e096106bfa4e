#include "rules/rule_evaluator.hpp"

#include <boost/container_hash/hash.hpp>

namespace spanwatch::rules {
namespace {

constexpr std::int64_t nanos_per_second = 1'000'000'000;

std::string_view user_of(const Rule& rule, const Subjects& subjects) {
  FieldValue v;
  if (!rule.user || !subjects.read(rule.user, v)) return {};
  return v.text;
}

}  // namespace

RuleEvaluator::RuleEvaluator(const EvaluatorOptions& options)
    : options_(options),
      thresholds_(options.threshold_entries),
      alerted_flows_(options.alerted_flow_entries),
      fired_(options.correlation_entries),
      metadata_text_(options.metadata_bytes),
      regex_(options.regex) {
  metadata_.reserve(options.metadata_entries);
}

StateKey RuleEvaluator::key_for(std::uint32_t rule_id, Track track, const Subjects& subjects, const Rule& rule) const {
  StateKey key;
  key.rule_id = rule_id;
  key.track = static_cast<std::uint8_t>(track);
  const FlowContext& flow = *subjects.flow;
  switch (track) {
    case Track::by_src: key.first = flow.client_ip; break;
    case Track::by_dst: key.first = flow.server_ip; break;
    case Track::by_pair:
      key.first = flow.client_ip;
      key.second = flow.server_ip;
      break;
    case Track::by_user: {
      const std::string_view user = user_of(rule, subjects);
      key.extra = boost::hash_range(user.begin(), user.end());
      break;
    }
    case Track::by_flow: key.extra = flow.flow_id; break;
  }
  return key;
}

bool RuleEvaluator::suppressed(const Rule& rule, const FlowContext& flow) const {
  for (const SuppressSpec& s : rule.suppress) {
    const bool src = s.track != SuppressTrack::by_dst && s.cidrs.contains(flow.client_ip);
    const bool dst = s.track != SuppressTrack::by_src && s.cidrs.contains(flow.server_ip);
    if (src || dst) return true;
  }
  return false;
}

std::size_t RuleEvaluator::evaluate(const RuleSet& rules, const events::Event& event, const FlowContext& flow,
                                    AlertSink& sink) {
  ++stats_.events;
  const Subjects subjects{event_subject(event), &flow, &regex_};
  std::size_t alerts = 0;
  for (const Rule* rule : rules.rules_for(event.index())) {
    ++stats_.rules_checked;
    if (run(*rule, event, subjects, sink)) ++alerts;
  }
  return alerts;
}

bool RuleEvaluator::run(const Rule& rule, const events::Event& event, const Subjects& subjects, AlertSink& sink) {
  if (!rule.match.matches(subjects)) return false;
  ++stats_.matched;
  if (suppressed(rule, *subjects.flow)) {
    ++stats_.suppressed;
    return false;
  }
  const std::int64_t now = subjects.flow->ts.total_nanoseconds();
  if (rule.has_after) {
    const std::int64_t* last = fired_.find(key_for(rule.after.rule_id, rule.after.track, subjects, rule), now);
    if (last == nullptr || now - *last > rule.after.within * nanos_per_second) {
      ++stats_.uncorrelated;
      return false;
    }
  }
  ThresholdFacts facts;
  std::array<std::string_view, kept_values> values;
  if (rule.has_threshold) {
    const ThresholdSpec& spec = rule.threshold;
    bool created = false;
    ThresholdState& state = thresholds_.obtain(key_for(rule.id, spec.track, subjects, rule), now,
                                               spec.seconds * nanos_per_second, created);
    FieldValue value;
    const bool has_value = spec.values && subjects.read(spec.values, value);
    const ThresholdResult result = apply_threshold(spec, state, now, has_value ? value.text : std::string_view{});
    if (!result.fire) {
      ++stats_.below_threshold;
      return false;
    }
    facts.count = result.count;
    facts.distinct = result.distinct;
    facts.values = std::span<const std::string_view>(values.data(), kept_value_views(state, values));
  }
  // The detection happened even if this flow already reported it: correlations see it.
  for (Track track : rule.remembered_by) {
    bool created = false;
    fired_.obtain(key_for(rule.id, track, subjects, rule), now, rule.remembered_for * nanos_per_second, created) = now;
  }
  if (rule.dedupe == Dedupe::per_flow) {
    bool created = false;
    alerted_flows_.obtain(key_for(rule.id, Track::by_flow, subjects, rule), now,
                          options_.alerted_flow_seconds * nanos_per_second, created);
    if (!created) {
      ++stats_.deduplicated;
      return false;
    }
  }
  emit(rule, event, subjects, facts, sink);
  return true;
}

void RuleEvaluator::emit(const Rule& rule, const events::Event& event, const Subjects& subjects,
                         const ThresholdFacts& facts, AlertSink& sink) {
  metadata_.clear();
  TextBuffer text(metadata_text_.data(), metadata_text_.size());
  bool dropped = false;
  auto add = [&](std::string_view key, std::string_view value) {
    if (metadata_.size() == metadata_.capacity()) {
      dropped = true;
      return;
    }
    metadata_.push_back({key, value});
  };
  for (const std::string& technique : rule.mitre) add("mitre_technique_id", technique);
  for (const MetadataTemplate& m : rule.metadata) add(m.key, render(m, subjects, facts, text));
  Alert alert;
  alert.rule = &rule;
  alert.event = &event;
  alert.flow = subjects.flow;
  alert.metadata = metadata_;
  alert.metadata_truncated = dropped || text.truncated();
  if (alert.metadata_truncated) ++stats_.metadata_truncated;
  ++stats_.alerts;
  sink.on_alert(alert);
}

}  // namespace spanwatch::rules
