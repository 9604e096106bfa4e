// OptionTable: applying a YAML document. Values are staged while the tree is walked and written to
// the bound variables only once the whole document has been checked (all-or-nothing).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/impl.h>
#include <yaml-cpp/node/iterator.h>
#include <yaml-cpp/node/parse.h>
#include <yaml-cpp/parser.h>

#include "config/option_table.hpp"
#include "config/option_value.hpp"
#include "config/source.hpp"
#include "config/suggestion.hpp"

namespace spanwatch::config {

class OptionTable::Loader {
 public:
  Loader(const OptionTable& table, const Source& source) : table_(table), source_(source) {}

  void stage_root(const YAML::Node& root) {
    if (root.IsNull()) return;  // empty document, or only comments
    if (!root.IsMap()) {
      source_.fail(root.Mark(), std::string("expected a mapping of sections and options at the top level, got ") +
                                    (root.IsSequence() ? "a list" : "a scalar"));
    }
    stage_section(0, root);
  }

  const std::vector<Staged>& staged() const { return staged_; }

 private:
  void stage_section(std::size_t section, const YAML::Node& node) {
    std::vector<std::pair<std::string, YAML::Mark>> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;  // copies: the iterator hands out a temporary pair
      const YAML::Node value = it->second;
      if (!key.IsScalar()) source_.fail(key.Mark(), "keys must be plain names");
      const std::string& name = key.Scalar();
      const std::string path = join(table_.sections_[section].path, name);
      for (const auto& [earlier, mark] : seen) {
        if (earlier == name) {
          source_.fail(key.Mark(), "duplicate key \"" + path + "\" (first at line " + std::to_string(mark.line + 1) + ")");
        }
      }
      seen.emplace_back(name, key.Mark());
      const Child* child = table_.find_child(section, name);
      if (child == nullptr) fail_unknown(section, key, path);
      if (child->is_section) {
        stage_subsection(child->index, value, path);
      } else {
        const Option& option = table_.options_[child->index];
        staged_.push_back(Staged{child->index, parse_option_value(option, value, key.Mark(), source_)});
      }
    }
  }

  void stage_subsection(std::size_t section, const YAML::Node& value, const std::string& path) {
    if (value.IsNull()) return;  // "flow:" with every option below it commented out
    if (!value.IsMap()) {
      source_.fail(value.Mark(), path + ": expected a mapping of options, got " +
                                     (value.IsSequence() ? std::string("a list") : "\"" + value.Scalar() + "\""));
    }
    stage_section(section, value);
  }

  [[noreturn]] void fail_unknown(std::size_t section, const YAML::Node& key, const std::string& path) const {
    std::string message = "unknown key \"" + path + "\"";
    if (auto hint = closest_name(key.Scalar(), table_.child_names(section))) {
      message += " (did you mean \"" + *hint + "\"?)";
    }
    source_.fail(key.Mark(), message);
  }

  static std::string join(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
  }

  const OptionTable& table_;
  const Source& source_;
  std::vector<Staged> staged_;
};

namespace {

// Where the first two documents of a YAML stream start; the parse stops after the second.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Counts documents without YAML::LoadAll: yaml-cpp 0.7 never consumes a stray flow indicator at
// document level (a lone ","), so LoadAll yields empty documents at the same place for ever. A second
// document that starts where the first did is that case, and an error.
std::vector<YAML::Mark> document_starts(const std::string& yaml, const Source& source) {
  std::istringstream stream(yaml);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  while (starts.marks.size() < 2 && parser.HandleNextDocument(starts)) {
  }
  if (starts.marks.size() == 2 && starts.marks[1].pos == starts.marks[0].pos) {
    const YAML::Mark& at = starts.marks[1];
    const std::size_t pos = static_cast<std::size_t>(at.pos);
    source.fail(at, pos < yaml.size() ? "invalid YAML: unexpected '" + std::string(1, yaml[pos]) + "'"
                                      : std::string("invalid YAML"));
  }
  return std::move(starts.marks);
}

}  // namespace

void OptionTable::load_string(std::string_view yaml, std::string name) {
  const Source source = Source::text(std::move(name));
  const std::string text(yaml);
  YAML::Node root;
  try {
    const std::vector<YAML::Mark> starts = document_starts(text, source);
    if (starts.empty()) return;
    if (starts.size() > 1) source.fail(starts[1], "expected one YAML document, found a second");
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    source.fail(e.mark, "invalid YAML: " + e.msg);
  }
  Loader loader(*this, source);
  loader.stage_root(root);
  for (const Staged& staged : loader.staged()) options_[staged.option].write(staged.value);
}

void OptionTable::load_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConfigError(path + ": cannot open file (" + std::strerror(errno) + ")");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw ConfigError(path + ": cannot read file");
  load_string(text.str(), path);
}

}  // namespace spanwatch::config
