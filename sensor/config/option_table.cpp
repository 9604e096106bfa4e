#include "config/option_table.hpp"

#include <algorithm>
#include <stdexcept>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/impl.h>
#include <yaml-cpp/node/parse.h>

#include "config/option_value.hpp"
#include "config/source.hpp"
#include "config/suggestion.hpp"

namespace spanwatch::config {
namespace {

// Keys are printed plain in dump() and typed by users: keep them to lower-case snake_case.
bool is_plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto dot = path.find('.');
    parts.push_back(path.substr(0, dot));
    if (dot == std::string_view::npos) return parts;
    path.remove_prefix(dot + 1);
  }
}

void check_path(std::string_view path) {
  for (std::string_view part : split_path(path)) {
    if (!is_plain_name(part)) {
      throw std::invalid_argument("config path \"" + std::string(path) + "\": each part must be [a-z0-9_]+");
    }
  }
}

// Docs are printed as one "# ..." comment line.
void check_doc(std::string_view path, std::string_view doc) {
  if (doc.find('\n') != std::string_view::npos) {
    throw std::invalid_argument("config path \"" + std::string(path) + "\": the doc must be one line");
  }
}

void check_choices(const Option& option) {
  if (option.choices.empty()) throw std::invalid_argument(option.path + ": an enum needs at least one name");
  for (const std::string& name : option.choices) {
    // "null" would read back as a missing value; other plain names are safe unquoted.
    const bool plain = !name.empty() && name != "null" && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!plain) throw std::invalid_argument(option.path + ": enum name \"" + name + "\" must be [a-z0-9_-]+");
  }
  if (std::get<std::uint64_t>(option.read()) >= option.choices.size()) {
    throw std::invalid_argument(option.path + ": the default value has no name in the list");
  }
}

}  // namespace

OptionTable::OptionTable() { sections_.push_back(Section{}); }

void OptionTable::add_bool(std::string path, bool* target, std::string doc) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::boolean;
  option.read = [target] { return OptionValue{*target}; };
  option.write = [target](const OptionValue& v) { *target = std::get<bool>(v); };
  add(std::move(option));
}

void OptionTable::add_duration(std::string path, std::chrono::seconds* target, std::string doc,
                               std::chrono::seconds min, std::chrono::seconds max) {
  if (min.count() < 0) throw std::invalid_argument(path + ": a duration cannot be negative");
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::duration;
  option.unsigned_min = static_cast<std::uint64_t>(min.count());
  option.unsigned_max = static_cast<std::uint64_t>(max.count());
  option.read = [target] { return OptionValue{static_cast<std::uint64_t>(target->count())}; };
  option.write = [target](const OptionValue& v) {
    *target = std::chrono::seconds{static_cast<std::chrono::seconds::rep>(std::get<std::uint64_t>(v))};
  };
  add(std::move(option));
}

void OptionTable::add_string(std::string path, std::string* target, std::string doc) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::string;
  option.read = [target] { return OptionValue{*target}; };
  option.write = [target](const OptionValue& v) { *target = std::get<std::string>(v); };
  add(std::move(option));
}

void OptionTable::add_string_list(std::string path, std::vector<std::string>* target, std::string doc) {
  Option option;
  option.path = std::move(path);
  option.doc = std::move(doc);
  option.kind = OptionKind::string_list;
  option.read = [target] { return OptionValue{*target}; };
  option.write = [target](const OptionValue& v) { *target = std::get<std::vector<std::string>>(v); };
  add(std::move(option));
}

void OptionTable::add(Option option) {
  check_path(option.path);
  check_doc(option.path, option.doc);
  if (option.kind == OptionKind::choice) check_choices(option);
  const auto dot = option.path.rfind('.');
  const std::string_view parent = dot == std::string::npos ? std::string_view{} : std::string_view(option.path).substr(0, dot);
  const std::string name = dot == std::string::npos ? option.path : option.path.substr(dot + 1);
  const std::size_t section = section_for(parent, true);
  if (find_child(section, name) != nullptr) throw std::invalid_argument("config path \"" + option.path + "\" is already registered");
  option.default_value = option.read();
  sections_[section].children.push_back(Child{name, false, options_.size()});
  options_.push_back(std::move(option));
}

void OptionTable::describe_section(std::string_view path, std::string doc) {
  check_path(path);
  check_doc(path, doc);
  sections_[section_for(path, true)].doc = std::move(doc);
}

// Walks (and with `create`, builds) the section chain for a dotted path; the root is "" -> 0.
// Without `create`, returns sections_.size() when the path is not a section.
std::size_t OptionTable::section_for(std::string_view path, bool create) {
  std::size_t section = 0;
  if (path.empty()) return section;
  for (std::string_view part : split_path(path)) {
    const Child* child = find_child(section, part);
    if (child != nullptr && !child->is_section) {
      if (!create) return sections_.size();
      throw std::invalid_argument("config path \"" + std::string(path) + "\" runs through an option");
    }
    if (child != nullptr) {
      section = child->index;
      continue;
    }
    if (!create) return sections_.size();
    const std::string full = sections_[section].path.empty() ? std::string(part) : sections_[section].path + "." + std::string(part);
    sections_[section].children.push_back(Child{std::string(part), true, sections_.size()});
    sections_.push_back(Section{full, {}, {}});
    section = sections_.size() - 1;
  }
  return section;
}

const OptionTable::Child* OptionTable::find_child(std::size_t section, std::string_view name) const {
  for (const Child& child : sections_[section].children) {
    if (child.name == name) return &child;
  }
  return nullptr;
}

std::vector<std::string> OptionTable::child_names(std::size_t section) const {
  std::vector<std::string> names;
  for (const Child& child : sections_[section].children) names.push_back(child.name);
  return names;
}

void OptionTable::set(std::string_view path, std::string_view value) {
  const Source source = Source::command_line();
  const auto found = std::find_if(options_.begin(), options_.end(), [&](const Option& o) { return o.path == path; });
  if (found == options_.end() && section_for(path, false) < sections_.size()) {
    source.fail(YAML::Mark::null_mark(), "\"" + std::string(path) + "\" is a section, not an option");
  }
  if (found == options_.end()) {
    std::vector<std::string> paths;
    for (const Option& option : options_) paths.push_back(option.path);
    std::string message = "unknown option \"" + std::string(path) + "\"";
    if (auto hint = closest_name(path, paths)) message += " (did you mean \"" + *hint + "\"?)";
    source.fail(YAML::Mark::null_mark(), message);
  }
  // Everything is text on a command line: a scalar node, except a flow list for list options.
  YAML::Node node{std::string(value)};
  if (found->kind == OptionKind::string_list) {
    if (value.empty()) {
      node = YAML::Node(YAML::NodeType::Sequence);
    } else if (value.front() == '[') {
      try {
        node = YAML::Load(std::string(value));
      } catch (const YAML::Exception& e) {
        source.fail(YAML::Mark::null_mark(), found->path + ": invalid list: " + e.msg);
      }
    }
  }
  found->write(parse_option_value(*found, node, YAML::Mark::null_mark(), source));
}

}  // namespace spanwatch::config
