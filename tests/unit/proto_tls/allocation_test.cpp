// Counts global heap allocations to prove the parser reads a whole handshake, piece by piece, without
// touching the heap once constructed (unit_proto_tls_alloc links spanwatch_allocation_counter, which
// replaces operator new for the whole binary). Certificate decoding is off here: OpenSSL allocates
// inside d2i_X509, once per handshake.
#include <catch2/catch.hpp>

#include "conversations.hpp"
#include "support/allocation_counter.hpp"

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
  // Hellos too long for the parser's inline storage: a small block each, and a large one.
  const auto long_hellos = long_conversation({200, 10, {"h2"}}, 30, std::string(40, 'p'));
  const auto longer_hellos = long_conversation({600, 60, {"h2"}, std::string(300, 'n')}, 2, "h2");
  const std::uint64_t before = spanwatch::testing::heap_allocations();
  for (const auto* conversation : {&tls12, &tls13, &long_hellos, &longer_hellos, &tls12}) {
    parser.reset();
    for (const auto& chunk : *conversation)
      for (std::size_t at = 0; at < chunk.bytes.size(); ++at) {
        std::size_t consumed = 0;
        parser.feed(chunk.direction, core::Bytes(chunk.bytes).subspan(at, 1), context, consumed);
      }
    parser.finish(context);
  }
  CHECK(spanwatch::testing::heap_allocations() == before);
  CHECK(sink.events >= 17);
}
