#pragma once
// Shared helpers for the rules tests: flows, a sink that copies alerts out, and the shipped rules.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "rules/alert.hpp"
#include "rules/rule_evaluator.hpp"
#include "rules/rule_set.hpp"

namespace spanwatch::rules::testing {

inline core::IpAddress ip(const char* text) { return *core::IpAddress::parse(text); }

inline FlowContext flow(const char* client, const char* server, std::uint64_t flow_id = 1, double seconds = 0,
                        std::uint16_t client_port = 40000, std::uint16_t server_port = 445) {
  FlowContext f;
  f.client_ip = ip(client);
  f.server_ip = ip(server);
  f.client_port = client_port;
  f.server_port = server_port;
  f.flow_id = flow_id;
  f.ts.seconds = static_cast<std::int64_t>(seconds);
  f.ts.nanoseconds = static_cast<std::uint32_t>((seconds - static_cast<double>(f.ts.seconds)) * 1e9);
  return f;
}

// An alert copied out of the callback (its views die with it).
struct SeenAlert {
  std::uint32_t id = 0;
  std::string client;
  std::map<std::string, std::vector<std::string>> metadata;
  std::string value(const std::string& key) const {
    auto it = metadata.find(key);
    return it == metadata.end() || it->second.empty() ? std::string("<none>") : it->second.front();
  }
};

class CollectingSink final : public AlertSink {
 public:
  void on_alert(const Alert& alert) override {
    SeenAlert seen;
    seen.id = alert.rule->id;
    char text[core::IpAddress::text_size];
    seen.client = std::string(alert.flow->client_ip.to_chars(text));
    for (const MetadataEntry& m : alert.metadata) seen.metadata[std::string(m.key)].emplace_back(m.value);
    alerts.push_back(std::move(seen));
  }
  std::size_t count(std::uint32_t id) const {
    std::size_t n = 0;
    for (const SeenAlert& a : alerts) n += a.id == id;
    return n;
  }
  const SeenAlert* first(std::uint32_t id) const {
    for (const SeenAlert& a : alerts)
      if (a.id == id) return &a;
    return nullptr;
  }
  std::vector<SeenAlert> alerts;
};

inline std::shared_ptr<const RuleSet> shipped_rules() {
  static const auto rules = load_rules(SPANWATCH_RULES_DIR);
  return rules;
}

// Evaluates events against a rule set with one evaluator, collecting the alerts.
struct Harness {
  explicit Harness(std::shared_ptr<const RuleSet> set = shipped_rules()) : rules(std::move(set)) {}
  std::size_t feed(const events::Event& event, const FlowContext& f) { return evaluator.evaluate(*rules, event, f, sink); }

  std::shared_ptr<const RuleSet> rules;
  RuleEvaluator evaluator;
  CollectingSink sink;
};

}  // namespace spanwatch::rules::testing
