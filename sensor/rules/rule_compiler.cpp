#include "rules/rule_compiler.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "rules/field_table.hpp"
#include "rules/tls_version.hpp"

namespace spanwatch::rules {
namespace {

constexpr std::array<std::string_view, 16> rule_keys{"id",       "rev",        "name",    "description",
                                                     "severity", "category",   "mitre",   "references",
                                                     "enabled",  "event",      "match",   "threshold",
                                                     "suppress", "after",      "dedupe",  "metadata"};

struct OperatorName {
  std::string_view name;
  Operator op;
};
constexpr std::array<OperatorName, 25> operator_names{{
    {"equals", Operator::equals},
    {"not_equals", Operator::not_equals},
    {"in", Operator::in},
    {"not_in", Operator::not_in},
    {"lt", Operator::less},
    {"less", Operator::less},
    {"le", Operator::less_equal},
    {"less_equal", Operator::less_equal},
    {"gt", Operator::greater},
    {"greater", Operator::greater},
    {"ge", Operator::greater_equal},
    {"greater_equal", Operator::greater_equal},
    {"cidr", Operator::in_cidr},
    {"in_cidr", Operator::in_cidr},
    {"not_cidr", Operator::not_in_cidr},
    {"not_in_cidr", Operator::not_in_cidr},
    {"equals_field", Operator::equals_field},
    {"not_equals_field", Operator::not_equals_field},
    {"exists", Operator::exists},
    {"glob", Operator::glob},
    {"regex", Operator::regex},
    {"contains", Operator::contains},
    {"not_contains", Operator::not_contains},
    {"eq", Operator::equals},
    {"ne", Operator::not_equals},
}};

std::string field_names(std::span<const FieldSpec> table) {
  std::string out;
  for (const FieldSpec& f : table) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

std::string described(FieldType t) {
  const bool vowel = t == FieldType::address || t == FieldType::integer || t == FieldType::integer_list;
  return std::string(vowel ? "an " : "a ") + std::string(name_of(t));
}

bool is_ordered(FieldType t) { return t == FieldType::integer || t == FieldType::tls_version; }

}  // namespace

std::string_view name_of(Track track) {
  switch (track) {
    case Track::by_src: return "by_src";
    case Track::by_dst: return "by_dst";
    case Track::by_pair: return "by_pair";
    case Track::by_user: return "by_user";
    case Track::by_flow: return "by_flow";
  }
  return "by_src";
}

std::string_view name_of(ThresholdType type) {
  switch (type) {
    case ThresholdType::threshold: return "threshold";
    case ThresholdType::limit: return "limit";
    case ThresholdType::both: return "both";
  }
  return "both";
}

void RuleCompiler::fail(const YAML::Node& at, const std::string& message) const {
  throw RuleError(file_, at.Mark().line + 1, message);
}

std::string RuleCompiler::text(const YAML::Node& node, const char* what) const {
  if (!node.IsScalar()) fail(node, std::string(what) + " must be a single value");
  return node.Scalar();
}

std::int64_t RuleCompiler::integer(const YAML::Node& node, const char* what) const {
  const std::string s = text(node, what);
  const bool hex = s.starts_with("0x") || s.starts_with("0X");
  std::int64_t value = 0;
  const char* first = s.data() + (hex ? 2 : 0);
  auto [end, error] = std::from_chars(first, s.data() + s.size(), value, hex ? 16 : 10);
  if (error != std::errc{} || end != s.data() + s.size() || first == s.data() + s.size())
    fail(node, std::string(what) + " must be an integer, not '" + s + "'");
  return value;
}

bool RuleCompiler::boolean(const YAML::Node& node, const char* what) const {
  const std::string s = text(node, what);
  if (s == "true" || s == "yes") return true;
  if (s == "false" || s == "no") return false;
  fail(node, std::string(what) + " must be true or false, not '" + s + "'");
}

std::vector<std::string> RuleCompiler::texts(const YAML::Node& node, const char* what) const {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) out.push_back(text(item, what));
  } else {
    out.push_back(text(node, what));
  }
  return out;
}

Rule RuleCompiler::compile(const YAML::Node& node) const {
  if (!node.IsMap()) fail(node, "a rule must be a map of keys (id, name, event, match, ...)");
  Rule rule;
  rule.file = file_;
  rule.line = node.Mark().line + 1;
  for (const auto& entry : node) {
    const std::string key = text(entry.first, "a key");
    if (std::find(rule_keys.begin(), rule_keys.end(), key) == rule_keys.end())
      fail(entry.first, "unknown rule key '" + key + "'");
  }
  if (!node["id"]) fail(node, "rule has no id");
  const std::int64_t id = integer(node["id"], "id");
  if (id <= 0 || id > 0xffffffffLL) fail(node["id"], "id must be a positive 32-bit integer");
  rule.id = static_cast<std::uint32_t>(id);
  if (const YAML::Node n = node["rev"]) {
    const std::int64_t rev = integer(n, "rev");
    if (rev < 0 || rev > 0xffffffffLL) fail(n, "rev must be a non-negative 32-bit integer");
    rule.rev = static_cast<std::uint32_t>(rev);
  }
  if (!node["name"]) fail(node, "rule " + std::to_string(rule.id) + " has no name");
  rule.name = text(node["name"], "name");
  if (const YAML::Node n = node["description"]) rule.description = text(n, "description");
  if (const YAML::Node n = node["severity"]) {
    const std::int64_t severity = integer(n, "severity");
    if (severity < 1 || severity > 3) fail(n, "severity must be 1 (high), 2 or 3 (low)");
    rule.severity = static_cast<std::uint8_t>(severity);
  }
  if (const YAML::Node n = node["category"]) rule.category = text(n, "category");
  if (const YAML::Node n = node["mitre"]) rule.mitre = texts(n, "mitre");
  if (const YAML::Node n = node["references"]) rule.references = texts(n, "references");
  if (const YAML::Node n = node["enabled"]) rule.enabled = boolean(n, "enabled");
  if (!node["event"]) fail(node, "rule " + std::to_string(rule.id) + " has no event");
  rule.event = text(node["event"], "event");
  const auto index = event_index(rule.event);
  if (!index) {
    std::string known;
    for (std::size_t i = 0; i < event_type_count; ++i) known += (i ? ", " : "") + std::string(event_type_name(i));
    fail(node["event"], "unknown event '" + rule.event + "' (events: " + known + ")");
  }
  rule.event_index = *index;
  if (const FieldSpec* user = find_field(event_fields(rule.event_index), "user")) rule.user = FieldRef{user, false};
  if (const YAML::Node n = node["match"]) rule.match = compile_match(n, rule);
  if (const YAML::Node n = node["threshold"]) {
    rule.threshold = compile_threshold(n, rule);
    rule.has_threshold = true;
  }
  if (const YAML::Node n = node["suppress"]) rule.suppress = compile_suppress(n);
  if (const YAML::Node n = node["after"]) {
    rule.after = compile_after(n);
    rule.has_after = true;
  }
  if (const YAML::Node n = node["dedupe"]) {
    const std::string d = text(n, "dedupe");
    if (d == "per_flow") rule.dedupe = Dedupe::per_flow;
    else if (d == "none") rule.dedupe = Dedupe::none;
    else fail(n, "dedupe must be per_flow or none, not '" + d + "'");
  }
  if (const YAML::Node n = node["metadata"]) {
    if (!n.IsMap()) fail(n, "metadata must be a map of key: value (or key: [values])");
    for (const auto& entry : n) {
      const std::string key = text(entry.first, "a metadata key");
      const YAML::Node& value = entry.second;
      if (value.IsSequence()) {
        for (const YAML::Node& item : value) rule.metadata.push_back(compile_template(item, key, text(item, "metadata"), rule));
      } else if (value.IsMap()) {
        if (!value["value"] || !value["map"] || !value["map"].IsMap() || value.size() != 2)
          fail(value, "metadata '" + key + "': a mapped value is {value: TEMPLATE, map: {rendered: wording}}");
        MetadataTemplate m = compile_template(value["value"], key, text(value["value"], "metadata"), rule);
        for (const auto& pair : value["map"]) m.map.emplace_back(text(pair.first, "a value"), text(pair.second, "wording"));
        rule.metadata.push_back(std::move(m));
      } else {
        rule.metadata.push_back(compile_template(value, key, text(value, "metadata"), rule));
      }
    }
  }
  return rule;
}

FieldRef RuleCompiler::resolve_field(const YAML::Node& at, const std::string& name, const Rule& rule) const {
  if (name.starts_with("flow.")) {
    if (const FieldSpec* f = find_field(flow_fields(), std::string_view(name).substr(5))) return {f, true};
    fail(at, "unknown flow field '" + name + "' (flow fields: " + field_names(flow_fields()) + ")");
  }
  const std::string_view bare = name.starts_with("event.") ? std::string_view(name).substr(6) : std::string_view(name);
  const auto table = event_fields(rule.event_index);
  if (const FieldSpec* f = find_field(table, bare)) return {f, false};
  fail(at, "unknown field '" + name + "' for " + rule.event + " (fields: " + field_names(table) + ")");
}

ConditionGroup RuleCompiler::compile_match(const YAML::Node& node, const Rule& rule) const {
  if (!node.IsMap()) fail(node, "match must be a map of field: condition");
  ConditionGroup group;
  for (const auto& entry : node) {
    const std::string key = text(entry.first, "a field name");
    if (key == "any") {
      if (!entry.second.IsSequence() || entry.second.size() == 0)
        fail(entry.second, "any must be a list of match blocks, one of which must hold");
      for (const YAML::Node& alternative : entry.second) group.any.push_back(compile_match(alternative, rule));
      continue;
    }
    const YAML::Node& value = entry.second;
    if (value.IsMap()) {
      for (const auto& op_entry : value) {
        Condition c;
        c.field = resolve_field(entry.first, key, rule);
        const std::string op_name = text(op_entry.first, "an operator");
        const auto op = std::find_if(operator_names.begin(), operator_names.end(),
                                     [&](const OperatorName& o) { return o.name == op_name; });
        if (op == operator_names.end()) {
          std::string known;
          for (const OperatorName& o : operator_names) known += (known.empty() ? "" : ", ") + std::string(o.name);
          fail(op_entry.first, "unknown operator '" + op_name + "' (operators: " + known + ")");
        }
        compile_operand(c, op->op, op_entry.second, rule);
        group.all.push_back(std::move(c));
      }
    } else {
      group.all.push_back(compile_condition(entry.first, value, rule));
    }
  }
  return group;
}

// `field: value` is equality, `field: [a, b]` membership.
Condition RuleCompiler::compile_condition(const YAML::Node& key, const YAML::Node& value, const Rule& rule) const {
  Condition c;
  c.field = resolve_field(key, text(key, "a field name"), rule);
  compile_operand(c, value.IsSequence() ? Operator::in : Operator::equals, value, rule);
  return c;
}

void RuleCompiler::compile_operand(Condition& c, Operator op, const YAML::Node& value, const Rule& rule) const {
  const FieldType type = c.field.spec->type;
  const std::string field_name(c.field.spec->name);
  auto type_error = [&](std::string_view what) {
    fail(value, std::string(what) + " does not apply to " + field_name + " (" + described(type) + ")");
  };
  c.op = op;
  switch (op) {
    case Operator::exists:
      if (!boolean(value, "exists")) c.op = Operator::not_exists;
      return;
    case Operator::equals_field:
    case Operator::not_equals_field:
      c.other = resolve_field(value, text(value, "a field name"), rule);
      if (c.other.spec->type != type)
        fail(value, field_name + " (" + described(type) + ") cannot be compared with " +
                        std::string(c.other.spec->name) + " (" + described(c.other.spec->type) + ")");
      return;
    case Operator::less:
    case Operator::less_equal:
    case Operator::greater:
    case Operator::greater_equal:
      if (!is_ordered(type)) type_error("less/greater");
      if (value.IsSequence()) fail(value, "less/greater take one value");
      break;
    case Operator::glob:
      if (type != FieldType::string) type_error("glob");
      c.texts.push_back(text(value, "glob"));
      return;
    case Operator::regex:
      if (type != FieldType::string) type_error("regex");
      {
        const std::string pattern = text(value, "regex");
        std::string error;
        c.pattern = RegexPattern::compile(pattern, error);
        if (!c.pattern) fail(value, "bad regex '" + pattern + "': " + error);
      }
      return;
    case Operator::in_cidr:
    case Operator::not_in_cidr:
      if (type != FieldType::address) type_error("cidr");
      break;
    default: break;
  }
  switch (type) {
    case FieldType::string:
    case FieldType::string_list: c.texts = texts(value, "a string"); break;
    case FieldType::integer:
    case FieldType::integer_list:
      for (const YAML::Node& item : value.IsSequence() ? value : YAML::Node(std::vector<YAML::Node>{value}))
        c.integers.push_back(integer(item, "a number"));
      break;
    case FieldType::tls_version:
      for (const YAML::Node& item : value.IsSequence() ? value : YAML::Node(std::vector<YAML::Node>{value})) {
        const auto v = parse_tls_version(text(item, "a TLS version"));
        if (!v) fail(item, "'" + item.Scalar() + "' is not a TLS version (SSLv3, TLS 1.2, tls1.3, 0x0303)");
        c.integers.push_back(*v);
      }
      break;
    case FieldType::boolean:
      if (op != Operator::equals && op != Operator::not_equals) type_error("this operator");
      c.boolean = boolean(value, "a boolean");
      break;
    case FieldType::address: c.cidrs = compile_addresses(value); break;
  }
}

CidrList RuleCompiler::compile_addresses(const YAML::Node& value) const {
  CidrList list;
  const std::vector<YAML::Node> items = value.IsSequence() ? value.as<std::vector<YAML::Node>>() : std::vector<YAML::Node>{value};
  for (const YAML::Node& item : items) {
    const std::string t = text(item, "an address");
    if (t.starts_with('$')) {
      const CidrList* group = groups_.find(t);
      if (group == nullptr) fail(item, "unknown address group " + t);
      list.add(*group);
    } else if (const auto cidr = parse_cidr(t)) {
      list.add(*cidr);
    } else {
      fail(item, "'" + t + "' is not an address, a CIDR or a $GROUP");
    }
  }
  return list;
}

Track RuleCompiler::compile_track(const YAML::Node& node, const Rule& rule) const {
  const std::string t = text(node, "track");
  if (t == "by_src") return Track::by_src;
  if (t == "by_dst") return Track::by_dst;
  if (t == "by_pair") return Track::by_pair;
  if (t == "by_flow") return Track::by_flow;
  if (t == "by_user") {
    if (!rule.user) fail(node, "track by_user: " + rule.event + " has no user field");
    return Track::by_user;
  }
  fail(node, "track must be by_src, by_dst, by_pair, by_user or by_flow, not '" + t + "'");
}

ThresholdSpec RuleCompiler::compile_threshold(const YAML::Node& node, const Rule& rule) const {
  if (!node.IsMap()) fail(node, "threshold must be a map {type, count, seconds, track}");
  ThresholdSpec spec;
  for (const auto& entry : node) {
    const std::string key = text(entry.first, "a key");
    const YAML::Node& v = entry.second;
    if (key == "type") {
      const std::string t = text(v, "type");
      if (t == "threshold") spec.type = ThresholdType::threshold;
      else if (t == "limit") spec.type = ThresholdType::limit;
      else if (t == "both") spec.type = ThresholdType::both;
      else fail(v, "threshold type must be threshold, limit or both, not '" + t + "'");
    } else if (key == "count") {
      const std::int64_t count = integer(v, "count");
      if (count < 1 || count > max_threshold_count)
        fail(v, "count must be between 1 and " + std::to_string(max_threshold_count));
      spec.count = static_cast<std::uint32_t>(count);
    } else if (key == "seconds") {
      spec.seconds = integer(v, "seconds");
      if (spec.seconds < 1 || spec.seconds > 86400) fail(v, "seconds must be between 1 and 86400");
    } else if (key == "track") {
      spec.track = compile_track(v, rule);
    } else if (key == "values" || key == "distinct") {
      spec.values = resolve_field(v, text(v, key.c_str()), rule);
      if (spec.values.spec->type != FieldType::string) fail(v, key + " must name a string field");
      spec.distinct = spec.distinct || key == "distinct";
    } else {
      fail(entry.first, "unknown threshold key '" + key + "' (type, count, seconds, track, values, distinct)");
    }
  }
  if (!node["count"] || !node["seconds"]) fail(node, "threshold needs count and seconds");
  if (spec.distinct && spec.type != ThresholdType::both) fail(node, "distinct counting needs type: both");
  return spec;
}

std::vector<SuppressSpec> RuleCompiler::compile_suppress(const YAML::Node& node) const {
  std::vector<SuppressSpec> out;
  const std::vector<YAML::Node> items = node.IsSequence() ? node.as<std::vector<YAML::Node>>() : std::vector<YAML::Node>{node};
  for (const YAML::Node& item : items) {
    if (!item.IsMap() || !item["cidr"]) fail(item, "suppress entries are {track: by_src|by_dst|by_either, cidr: [...]}");
    SuppressSpec spec;
    for (const auto& entry : item) {
      const std::string key = text(entry.first, "a key");
      if (key == "track") {
        const std::string t = text(entry.second, "track");
        if (t == "by_src") spec.track = SuppressTrack::by_src;
        else if (t == "by_dst") spec.track = SuppressTrack::by_dst;
        else if (t == "by_either") spec.track = SuppressTrack::by_either;
        else fail(entry.second, "suppress track must be by_src, by_dst or by_either, not '" + t + "'");
      } else if (key == "cidr") {
        spec.cidrs = compile_addresses(entry.second);
      } else {
        fail(entry.first, "unknown suppress key '" + key + "' (track, cidr)");
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

AfterSpec RuleCompiler::compile_after(const YAML::Node& node) const {
  if (!node.IsMap() || !node["rule"]) fail(node, "after must be {rule: ID, within: SECONDS, track: ...}");
  AfterSpec spec;
  for (const auto& entry : node) {
    const std::string key = text(entry.first, "a key");
    if (key == "rule") {
      const std::int64_t id = integer(entry.second, "rule");
      if (id <= 0 || id > 0xffffffffLL) fail(entry.second, "rule must be a rule id");
      spec.rule_id = static_cast<std::uint32_t>(id);
    } else if (key == "within") {
      spec.within = integer(entry.second, "within");
      if (spec.within < 1 || spec.within > 86400) fail(entry.second, "within must be between 1 and 86400 seconds");
    } else if (key == "track") {
      const std::string t = text(entry.second, "track");
      if (t == "by_src") spec.track = Track::by_src;
      else if (t == "by_dst") spec.track = Track::by_dst;
      else if (t == "by_pair") spec.track = Track::by_pair;
      else fail(entry.second, "after track must be by_src, by_dst or by_pair, not '" + t + "'");
    } else {
      fail(entry.first, "unknown after key '" + key + "' (rule, within, track)");
    }
  }
  return spec;
}

MetadataTemplate RuleCompiler::compile_template(const YAML::Node& at, const std::string& key, const std::string& t,
                                                const Rule& rule) const {
  MetadataTemplate out;
  out.key = key;
  std::size_t pos = 0;
  while (pos < t.size()) {
    const std::size_t open = t.find('{', pos);
    if (open != pos) {
      const std::size_t end = open == std::string::npos ? t.size() : open;
      out.parts.push_back({TemplatePartKind::literal, t.substr(pos, end - pos), {}});
      pos = end;
      continue;
    }
    const std::size_t close = t.find('}', open);
    if (close == std::string::npos) fail(at, "metadata '" + key + "': '{' without '}'");
    const std::string inner = t.substr(open + 1, close - open - 1);
    pos = close + 1;
    TemplatePart part;
    if (inner.starts_with("threshold.")) {
      if (!rule.has_threshold) fail(at, "metadata '" + key + "': {" + inner + "} needs a threshold");
      if (inner == "threshold.count") part.kind = TemplatePartKind::threshold_count;
      else if (inner == "threshold.distinct") part.kind = TemplatePartKind::threshold_distinct;
      else if (inner == "threshold.values") part.kind = TemplatePartKind::threshold_values;
      else fail(at, "metadata '" + key + "': unknown {" + inner + "} (threshold.count, threshold.distinct, threshold.values)");
      if (part.kind != TemplatePartKind::threshold_count && !rule.threshold.values)
        fail(at, "metadata '" + key + "': {" + inner + "} needs the threshold's values: or distinct: field");
    } else if (inner.ends_with(")")) {
      const std::size_t paren = inner.find('(');
      const std::string function = inner.substr(0, paren);
      if (paren == std::string::npos) fail(at, "metadata '" + key + "': bad placeholder {" + inner + "}");
      part.field = resolve_field(at, inner.substr(paren + 1, inner.size() - paren - 2), rule);
      if (function == "addr_class") {
        if (part.field.spec->type != FieldType::address) fail(at, "addr_class() takes an address field");
        part.kind = TemplatePartKind::address_class;
      } else if (function == "hex") {
        if (!is_ordered(part.field.spec->type)) fail(at, "hex() takes an integer field");
        part.kind = TemplatePartKind::hex;
      } else {
        fail(at, "metadata '" + key + "': unknown function '" + function + "' (addr_class, hex)");
      }
    } else {
      part.kind = TemplatePartKind::field;
      part.field = resolve_field(at, inner, rule);
    }
    out.parts.push_back(std::move(part));
  }
  return out;
}

}  // namespace spanwatch::rules
