// The YAML rule loader from text (load_rules_text, the path --check-rules and SIGHUP take for each
// file). Only RuleError may leave it, and it must name the file it was given.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "rules/rule_error.hpp"
#include "rules/rule_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  try {
    const auto rule_set = rules::load_rules_text(yaml, "fuzz.yaml");
    if (rule_set->enabled() > rule_set->rules().size()) fuzz::fuzz_fail("more rules enabled than compiled");
  } catch (const rules::RuleError& e) {
    if (e.file() != "fuzz.yaml" || e.line() < 0) fuzz::fuzz_fail("a rule error does not say where", e.what());
  }
  return 0;
}
