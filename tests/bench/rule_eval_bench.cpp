// Micro-benchmark of rule evaluation per event: loads a rules directory (default: rules/) and
// evaluates a mix of events that match nothing, match without alerting (thresholds, dedupe) and
// alert, reporting nanoseconds per evaluate() for each kind and the heap allocations it made; then
// the same for rules with `regex:` conditions (PCRE2, JIT and interpreter), which the shipped
// rules do not use, including a pathological pattern stopped by the match limit.
//   spanwatch-rule-eval-bench [RULES_DIR] [ITERATIONS]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>

#include "rules/rule_error.hpp"
#include "rules/rule_evaluator.hpp"
#include "rules/rule_set.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace spanwatch;
using namespace spanwatch::rules;

namespace {

class CountingSink final : public AlertSink {
 public:
  void on_alert(const Alert&) override { ++alerts; }
  std::size_t alerts = 0;
};

FlowContext flow_for(std::uint64_t i) {
  FlowContext f;
  f.client_ip = core::IpAddress::v4(static_cast<std::uint32_t>(0x0a000000u + (i % 4096)));
  f.server_ip = core::IpAddress::v4(0x0a640001u);
  f.client_port = static_cast<std::uint16_t>(40000 + i % 20000);
  f.server_port = 445;
  f.flow_id = i;
  f.ts.seconds = static_cast<std::int64_t>(1'700'000'000 + i / 1000);
  return f;
}

template <class MakeFlow>
void measure(const char* label, const RuleSet& rules, const events::Event& event, std::uint64_t iterations,
             MakeFlow make_flow, const EvaluatorOptions& options = {}) {
  RuleEvaluator evaluator(options);
  CountingSink sink;
  for (std::uint64_t i = 0; i < 1000; ++i) evaluator.evaluate(rules, event, make_flow(i), sink);  // warm-up
  const std::size_t allocations_before = allocations.load();
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < iterations; ++i) evaluator.evaluate(rules, event, make_flow(i + 1000), sink);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns = std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(iterations);
  std::printf("%-50s %8.1f ns/event  %8zu alerts  %zu allocations", label, ns, sink.alerts,
              allocations.load() - allocations_before);
  const RegexStats& regex = evaluator.regex_stats();
  if (regex.searches > 0)
    std::printf("  %llu regex searches, %llu at the limit", static_cast<unsigned long long>(regex.searches),
                static_cast<unsigned long long>(regex.limit_hits));
  std::printf("\n");
}

// Three regex rules on ftp.login: a user pattern, a case-insensitive alternation, and a
// pathological nested quantifier that only the match limit stops.
constexpr const char* regex_rules = R"(
- id: 1
  name: service account
  event: ftp.login
  dedupe: none
  match:
    user: {regex: '^svc_[a-z]+_\d{2,4}$'}
- id: 2
  name: admin-like
  event: ftp.login
  dedupe: none
  match:
    user: {regex: '(?i)(admin|root|administrator)'}
- id: 3
  name: nested quantifier
  event: ftp.login
  dedupe: none
  match:
    password_masked: {regex: '^(a+)+$'}
)";

void measure_regex(const std::uint64_t iterations) {
  const auto rules = load_rules_text(regex_rules, "bench-regex.yaml");
  events::ftp::Login hit;  // rule 1 matches, 2 and 3 search and miss
  hit.user = "svc_backup_2024";
  hit.password_masked = "len=8";
  events::ftp::Login miss;
  miss.user = "someone.with.a.longer.name@example.org";
  miss.password_masked = "len=12";
  const std::string pathological_text = std::string(24, 'a') + "!";
  events::ftp::Login pathological;
  pathological.user = "bob";
  pathological.password_masked = pathological_text;
  for (const bool jit : {true, false}) {
    EvaluatorOptions options;
    options.regex.jit = jit;
    std::printf("regex rules (3 on ftp.login), %s:\n", jit ? "PCRE2 JIT" : "PCRE2 interpreter");
    measure("  ftp.login, one regex matches", *rules, hit, iterations, flow_for, options);
    measure("  ftp.login, no regex matches", *rules, miss, iterations, flow_for, options);
    measure("  ftp.login, (a+)+$ stopped by the match limit", *rules, pathological, iterations / 100, flow_for,
            options);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "rules";
  const std::uint64_t iterations = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2'000'000;
  std::shared_ptr<const RuleSet> rules;
  try {
    rules = load_rules(dir);
  } catch (const RuleError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::printf("%zu rules from %s, %llu evaluations each\n", rules->enabled(), dir.c_str(),
              static_cast<unsigned long long>(iterations));

  events::ftp::Request request;  // no rule for this type: the cost of the dispatch alone
  request.command = "NOOP";
  measure("ftp.request (no rules for the type)", *rules, request, iterations, flow_for);

  events::smb::SessionSetup success;  // three rules, none matches (no burst before)
  success.user = "alice";
  success.status.name = "STATUS_SUCCESS";
  measure("smb.session_setup success (3 rules, no match)", *rules, success, iterations, flow_for);

  events::smb::SessionSetup failure;  // matches 9100001/9100008: threshold windows per client
  failure.user = "alice";
  failure.status.code = 0xC000006D;
  failure.status.name = "STATUS_LOGON_FAILURE";
  measure("smb.session_setup failure (thresholds)", *rules, failure, iterations, flow_for);

  events::tls::Handshake modern;  // three rules, none matches
  modern.client_max_version = 0x0304;
  modern.version = 0x0304;
  modern.key_exchange = events::tls::KeyExchange::tls13;
  measure("tls.handshake TLS 1.3 (3 rules, no match)", *rules, modern, iterations, flow_for);

  events::tls::Handshake legacy;  // alerts 9100005..7 on every new flow, metadata rendered
  legacy.client_max_version = 0x0303;
  legacy.version = 0x0301;
  legacy.key_exchange = events::tls::KeyExchange::rsa;
  legacy.cipher_suite = 0x002f;
  legacy.cipher_name = "TLS_RSA_WITH_AES_128_CBC_SHA";
  measure("tls.handshake legacy (3 alerts per flow)", *rules, legacy, iterations, flow_for);
  measure("tls.handshake legacy, same flow (deduped)", *rules, legacy, iterations,
          [](std::uint64_t i) { return flow_for(i - i); });
  measure_regex(iterations);
  return 0;
}
