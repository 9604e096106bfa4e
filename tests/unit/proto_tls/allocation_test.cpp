// Counts global heap allocations to prove the parser reads a whole handshake, piece by piece, without
// touching the heap once constructed (this replaces operator new for the whole unit_proto_tls_alloc
// binary). Certificate decoding is off here: OpenSSL allocates inside d2i_X509, once per handshake.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "conversations.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace spanwatch;
using namespace spanwatch::testing::tls_test;

namespace {
class CountingSink final : public events::EventSink {
 public:
  void emit(const events::Event&) override { ++events; }
  std::size_t events = 0;
};
}  // namespace

TEST_CASE("reading handshakes byte by byte allocates nothing after construction") {
  proto::tls::TlsOptions options;
  options.parse_certificates = false;
  proto::tls::TlsParser parser(options);
  CountingSink sink;
  proto::FeedContext context{sink, {}};
  const auto tls12 = tls12_full_handshake();
  const auto tls13 = tls13_handshake();
  const std::size_t before = allocations.load();
  for (const auto* conversation : {&tls12, &tls13, &tls12}) {
    parser.reset();
    for (const auto& chunk : *conversation)
      for (std::size_t at = 0; at < chunk.bytes.size(); ++at) {
        std::size_t consumed = 0;
        parser.feed(chunk.direction, core::Bytes(chunk.bytes).subspan(at, 1), context, consumed);
      }
    parser.finish(context);
  }
  CHECK(allocations.load() == before);
  CHECK(sink.events >= 9);
}
