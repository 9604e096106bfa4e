#pragma once
// A rule file that does not compile: what() is "file:line: what is wrong". Thrown while loading
// (never on the packet path); the whole file, and the whole load, is rejected.
#include <stdexcept>
#include <string>

namespace spanwatch::rules {

class RuleError : public std::runtime_error {
 public:
  RuleError(std::string file, int line, const std::string& message)
      : std::runtime_error(file + ":" + std::to_string(line) + ": " + message), file_(std::move(file)), line_(line) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }  // 1-based

 private:
  std::string file_;
  int line_;
};

}  // namespace spanwatch::rules
