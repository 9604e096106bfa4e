#pragma once
// What evaluation hands to the engine: the rule that fired, the event and flow it fired on, and the
// rendered metadata. Everything is a view valid only during AlertSink::on_alert() (the event's views
// end with emit(); metadata lives in the evaluator's reused buffer): format or copy it there.
#include <span>
#include <string_view>

#include "events/event.hpp"
#include "rules/flow_context.hpp"
#include "rules/rule.hpp"

namespace spanwatch::rules {

// Entries with the same key form one EVE metadata array, in order.
struct MetadataEntry {
  std::string_view key;
  std::string_view value;
};

struct Alert {
  const Rule* rule = nullptr;
  const events::Event* event = nullptr;
  const FlowContext* flow = nullptr;
  std::span<const MetadataEntry> metadata;  // mitre ids first, then the rule's metadata
  bool metadata_truncated = false;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void on_alert(const Alert& alert) = 0;
};

}  // namespace spanwatch::rules
