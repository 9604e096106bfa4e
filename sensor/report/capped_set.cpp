#include "report/capped_set.hpp"

#include <functional>

namespace spanwatch::report {

void CappedSet::insert(std::string_view value) {
  std::string key(value);
  if (kept_index_.contains(key)) return;
  if (kept_.size() < keep_) {
    kept_.push_back(key);
    kept_index_.insert(std::move(key));
    return;
  }
  const std::uint64_t hash = std::hash<std::string_view>{}(value);
  if (overflow_.contains(hash)) return;
  if (overflow_.size() >= count_limit_) {
    saturated_ = true;
    return;
  }
  overflow_.insert(hash);
}

}  // namespace spanwatch::report
