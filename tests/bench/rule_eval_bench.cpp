// Micro-benchmark of rule evaluation per event: loads a rules directory (default: rules/) and
// evaluates a mix of events that match nothing, match without alerting (thresholds, dedupe) and
// alert, reporting nanoseconds per evaluate() for each kind and the heap allocations it made.
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
             MakeFlow make_flow) {
  RuleEvaluator evaluator;
  CountingSink sink;
  for (std::uint64_t i = 0; i < 1000; ++i) evaluator.evaluate(rules, event, make_flow(i), sink);  // warm-up
  const std::size_t allocations_before = allocations.load();
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < iterations; ++i) evaluator.evaluate(rules, event, make_flow(i + 1000), sink);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns = std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(iterations);
  std::printf("%-44s %8.1f ns/event  %8zu alerts  %zu allocations\n", label, ns, sink.alerts,
              allocations.load() - allocations_before);
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
  return 0;
}
