#pragma once
// One compiled rule: immutable once its RuleSet is built. Field references point into the static
// field tables; everything else is owned by the rule.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/address_groups.hpp"
#include "rules/condition.hpp"
#include "rules/metadata_template.hpp"

namespace spanwatch::rules {

// Whose matches a threshold counts, a correlation remembers or a suppression tests.
enum class Track : std::uint8_t { by_src, by_dst, by_pair, by_user, by_flow };
std::string_view name_of(Track track);

// Suricata's three kinds: `threshold` alerts on every count-th match in a window, `limit` on the
// first count matches per window, `both` once per window when count is reached.
enum class ThresholdType : std::uint8_t { threshold, limit, both };
std::string_view name_of(ThresholdType type);

inline constexpr std::uint32_t max_threshold_count = 32;  // samples kept per tracked key

struct ThresholdSpec {
  ThresholdType type = ThresholdType::both;
  std::uint32_t count = 1;
  std::int64_t seconds = 60;
  Track track = Track::by_src;
  FieldRef values;        // a field whose distinct values are remembered (metadata, `distinct`)
  bool distinct = false;  // count distinct `values` instead of matches
};

enum class SuppressTrack : std::uint8_t { by_src, by_dst, by_either };

struct SuppressSpec {
  SuppressTrack track = SuppressTrack::by_src;
  CidrList cidrs;
};

// Fire only if rule `rule_id` fired for the same tracked key within `within` seconds before.
struct AfterSpec {
  std::uint32_t rule_id = 0;
  std::int64_t within = 300;
  Track track = Track::by_pair;
};

// Alerts per flow: `per_flow` (the default) raises a rule at most once per flow.
enum class Dedupe : std::uint8_t { per_flow, none };

struct Rule {
  std::uint32_t id = 0;
  std::uint32_t rev = 1;
  std::string name;
  std::string description;
  std::uint8_t severity = 2;  // 1 high ... 3 low
  std::string category;
  std::vector<std::string> mitre;
  std::vector<std::string> references;
  bool enabled = true;

  std::size_t event_index = 0;
  std::string event;  // dotted name
  ConditionGroup match;
  FieldRef user;  // the event's `user` field, when it has one (track by_user)
  bool has_threshold = false;
  ThresholdSpec threshold;
  std::vector<SuppressSpec> suppress;
  bool has_after = false;
  AfterSpec after;
  Dedupe dedupe = Dedupe::per_flow;
  std::vector<MetadataTemplate> metadata;

  // Filled by the RuleSet: other rules' `after` name this one with these tracks, so its firings
  // are remembered under each.
  std::vector<Track> remembered_by;
  std::int64_t remembered_for = 0;  // seconds: the longest `within` among them

  std::string file;
  int line = 0;
};

}  // namespace spanwatch::rules
