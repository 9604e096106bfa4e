#include "config/source.hpp"

#include "config/config_error.hpp"

namespace spanwatch::config {

void Source::fail(const YAML::Mark& mark, const std::string& message) const {
  if (!positioned_ || mark.is_null()) throw ConfigError(name_ + ": " + message);
  throw ConfigError(name_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": " +
                    message);
}

}  // namespace spanwatch::config
