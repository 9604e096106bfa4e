#pragma once
// `regex:` conditions on PCRE2 (Perl syntax, what Suricata's pcre keyword uses). A RegexPattern is
// compiled (and JIT-compiled where the platform has it) once when its rule compiles and is then
// read-only, shared by every worker. Matching needs scratch (match data, limits) that PCRE2 must
// not share between threads: a RegexMatcher, one per RuleEvaluator, allocated at construction, so
// a search never allocates after the first (the interpreter keeps its backtracking frames in the
// match data and reuses them).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

// PCRE2's opaque types for 8-bit code units (pcre2.h names them with the `_8` suffix); declared
// here so that pcre2.h stays an implementation detail of rules/.
struct pcre2_real_code_8;
struct pcre2_real_general_context_8;
struct pcre2_real_match_context_8;
struct pcre2_real_match_data_8;

namespace spanwatch::rules {

class RegexPattern {
 public:
  // Compiles `pattern`; nullptr and `error` ("missing closing parenthesis at offset 2") when PCRE2
  // refuses it.
  static std::shared_ptr<const RegexPattern> compile(std::string_view pattern, std::string& error);

  ~RegexPattern();
  RegexPattern(const RegexPattern&) = delete;
  RegexPattern& operator=(const RegexPattern&) = delete;

  const std::string& text() const { return text_; }
  bool jit() const { return jit_; }  // false: the platform has no JIT, the interpreter runs
  const pcre2_real_code_8* code() const { return code_; }

 private:
  RegexPattern(pcre2_real_code_8* code, std::string text, bool jit) : code_(code), text_(std::move(text)), jit_(jit) {}

  pcre2_real_code_8* code_;
  std::string text_;
  bool jit_;
};

struct RegexOptions {
  // Bounds on one search so that a pathological pattern cannot stall the packet path: PCRE2's
  // match limit (calls of its internal match function / JIT equivalent) and depth limit
  // (backtracking depth; the interpreter only). A search that hits either is no match, counted.
  // Suricata's defaults (pcre match-limit 3500, match-limit-recursion 1500): a nested quantifier
  // over 24 bytes then costs ~5 us under JIT (~40 us interpreted) instead of seconds.
  std::uint32_t match_limit = 3500;
  std::uint32_t depth_limit = 1500;
  bool jit = true;  // false forces the interpreter even for JIT-compiled patterns (tests, debugging)
};

struct RegexStats {
  std::uint64_t searches = 0;
  std::uint64_t limit_hits = 0;  // searches stopped by match_limit or depth_limit
  std::uint64_t errors = 0;      // any other PCRE2 match error (treated as no match)
};

class RegexMatcher {
 public:
  explicit RegexMatcher(const RegexOptions& options = {});
  ~RegexMatcher();
  RegexMatcher(const RegexMatcher&) = delete;
  RegexMatcher& operator=(const RegexMatcher&) = delete;

  // True when `pattern` matches somewhere in `text` (bytes, not UTF-8-checked). Never throws.
  bool search(const RegexPattern& pattern, std::string_view text);

  const RegexStats& stats() const { return stats_; }

 private:
  RegexOptions options_;
  pcre2_real_general_context_8* memory_ = nullptr;  // PCRE2's allocations through operator new
  pcre2_real_match_context_8* context_ = nullptr;   // the limits
  pcre2_real_match_data_8* data_ = nullptr;         // one pair: we ask whether, not where
  RegexStats stats_;
};

}  // namespace spanwatch::rules
