#include "rules/regex_pattern.hpp"

#include <new>
#include <stdexcept>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace spanwatch::rules {
namespace {

// PCRE2's matching memory goes through operator new so that the allocation tests (which count
// operator new) see it too; nothrow because PCRE2 expects NULL on failure.
void* pcre2_allocate(PCRE2_SIZE size, void*) { return ::operator new(size, std::nothrow); }
void pcre2_release(void* block, void*) { ::operator delete(block); }

std::string error_text(int code) {
  PCRE2_UCHAR buffer[256];
  const int n = pcre2_get_error_message(code, buffer, sizeof buffer);
  return n < 0 ? "PCRE2 error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

}  // namespace

std::shared_ptr<const RegexPattern> RegexPattern::compile(std::string_view pattern, std::string& error) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &code,
                                       &offset, nullptr);
  if (compiled == nullptr) {
    error = error_text(code) + " at offset " + std::to_string(offset);
    return nullptr;
  }
  // Without JIT support (or memory for it) the interpreter matches the same; nothing to report.
  const bool jit = pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE) == 0;
  return std::shared_ptr<const RegexPattern>(new RegexPattern(compiled, std::string(pattern), jit));
}

RegexPattern::~RegexPattern() { pcre2_code_free(code_); }

RegexMatcher::RegexMatcher(const RegexOptions& options) : options_(options) {
  memory_ = pcre2_general_context_create(pcre2_allocate, pcre2_release, nullptr);
  context_ = memory_ ? pcre2_match_context_create(memory_) : nullptr;
  data_ = memory_ ? pcre2_match_data_create(1, memory_) : nullptr;
  if (context_ == nullptr || data_ == nullptr) {
    pcre2_match_data_free(data_);
    pcre2_match_context_free(context_);
    pcre2_general_context_free(memory_);
    throw std::bad_alloc();
  }
  pcre2_set_match_limit(context_, options.match_limit);
  pcre2_set_depth_limit(context_, options.depth_limit);
}

RegexMatcher::~RegexMatcher() {
  pcre2_match_data_free(data_);
  pcre2_match_context_free(context_);
  pcre2_general_context_free(memory_);
}

bool RegexMatcher::search(const RegexPattern& pattern, std::string_view text) {
  ++stats_.searches;
  // PCRE2 wants a non-null subject even when it is empty.
  const char* subject = text.data() != nullptr ? text.data() : "";
  const int rc = pcre2_match(pattern.code(), reinterpret_cast<PCRE2_SPTR>(subject), text.size(), 0,
                             options_.jit ? 0u : PCRE2_NO_JIT, data_, context_);
  if (rc >= 0) return true;  // 0: matched, the one-pair vector too small for the groups (we need none)
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
      rc == PCRE2_ERROR_JIT_STACKLIMIT)
    ++stats_.limit_hits;
  else
    ++stats_.errors;
  return false;
}

}  // namespace spanwatch::rules
