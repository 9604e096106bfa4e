#pragma once
// A set of distinct strings with bounded memory: the first `keep` values are kept by name; later
// distinct values are counted (by a 64-bit hash, exactly up to `count_limit` of them, after which the
// count is a lower bound and `saturated()` says so).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace spanwatch::report {

class CappedSet {
 public:
  CappedSet(std::size_t keep = 50, std::size_t count_limit = 100000) : keep_(keep), count_limit_(count_limit) {}

  void insert(std::string_view value);
  const std::vector<std::string>& kept() const { return kept_; }  // in order of first appearance
  std::size_t more() const { return overflow_.size(); }           // distinct values not kept
  std::size_t size() const { return kept_.size() + overflow_.size(); }
  bool saturated() const { return saturated_; }

 private:
  std::size_t keep_;
  std::size_t count_limit_;
  std::vector<std::string> kept_;
  std::unordered_set<std::string> kept_index_;
  std::unordered_set<std::uint64_t> overflow_;
  bool saturated_ = false;
};

}  // namespace spanwatch::report
