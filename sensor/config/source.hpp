#pragma once
// Internal: where values come from, so that every error names its place — "file:line:col" for a
// YAML text (yaml-cpp marks are 0-based, messages are 1-based) or "command line" for set().
#include <string>

#include <yaml-cpp/mark.h>

namespace spanwatch::config {

class Source {
 public:
  static Source text(std::string name) { return Source(std::move(name), true); }
  static Source command_line() { return Source("command line", false); }

  // Throws ConfigError; a null mark (or a source without positions) prints "name: message".
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const;

 private:
  Source(std::string name, bool positioned) : name_(std::move(name)), positioned_(positioned) {}

  std::string name_;
  bool positioned_;
};

}  // namespace spanwatch::config
