#pragma once
// Parsers of one protocol, created on first need up to a cap and reused from then on: memory follows
// the number of sessions alive at once, and the steady state allocates nothing.
#include <cstdint>
#include <memory>
#include <vector>

#include "proto/dissector.hpp"

namespace spanwatch::engine {

template <class Parser, class Options>
class DissectorPool {
 public:
  DissectorPool(const Options& options, std::uint32_t capacity) : options_(options), capacity_(capacity) {
    free_.reserve(capacity);
  }

  // A reset parser, or nullptr when `capacity` are in use.
  Parser* acquire() {
    if (!free_.empty()) {
      Parser* p = free_.back();
      free_.pop_back();
      return p;
    }
    if (all_.size() >= capacity_) return nullptr;
    all_.push_back(std::make_unique<Parser>(options_));
    return all_.back().get();
  }
  void release(Parser* parser) {
    parser->reset();
    free_.push_back(parser);
  }
  std::size_t in_use() const { return all_.size() - free_.size(); }

 private:
  Options options_;
  std::uint32_t capacity_;
  std::vector<std::unique_ptr<Parser>> all_;
  std::vector<Parser*> free_;
};

}  // namespace spanwatch::engine
