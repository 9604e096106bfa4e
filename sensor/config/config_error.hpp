#pragma once
// The one error type of config loading. what() is "FILE:LINE:COL: message" (1-based), or
// "command line: message" for set(); the daemon prints it as is and exits non-zero.
#include <stdexcept>

namespace spanwatch::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace spanwatch::config
