#pragma once
// The contract every protocol parser implements (STYLE.md #1: sans-I/O). The engine feeds it the
// reassembled, in-order bytes of one flow, direction by direction, and the parser reports facts to
// an EventSink. A parser never sees a flow, a socket, a rule or an output.
//
// Lifetime: the engine keeps dissectors in pools and calls reset() before reusing one for another
// flow; a dissector allocates its buffers once, at construction, never per call.
//
// Ending: a dissector that answers stop or switch_protocol must have emitted everything it still
// held (a pending login, the handshake summary) before returning: the engine calls neither feed nor
// finish on it again. finish() is called only for a flow that ends while the dissector still wants
// bytes. For skip, `consumed` bytes of this call were parsed and the skip_bytes after them are
// skipped (they may begin inside this call).
#include <cstdint>

#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "core/timestamp.hpp"
#include "events/event_sink.hpp"
#include "events/protocol.hpp"

namespace spanwatch::proto {

struct Verdict {
  enum class Want : std::uint8_t {
    more,             // keep delivering
    skip,             // skip the next skip_bytes of this direction unseen (e.g. an SMB READ body)
    stop,             // nothing more wanted from this flow (bypass: later packets cost a lookup)
    switch_protocol,  // the rest of the flow is `next` (STARTTLS -> tls): the engine swaps dissectors
  };
  Want want = Want::more;
  std::uint64_t skip_bytes = 0;
  events::Protocol next = events::Protocol::none;

  static constexpr Verdict more() { return {}; }
  static constexpr Verdict skip(std::uint64_t n) { return {Want::skip, n, events::Protocol::none}; }
  static constexpr Verdict stop() { return {Want::stop, 0, events::Protocol::none}; }
  static constexpr Verdict switch_to(events::Protocol p) { return {Want::switch_protocol, 0, p}; }
};

// What the engine passes with every call: where the bytes go and when they were captured.
struct FeedContext {
  events::EventSink& sink;
  core::Timestamp ts;
};

class Dissector {
 public:
  virtual ~Dissector() = default;
  virtual events::Protocol protocol() const = 0;
  // In-order bytes of one direction (to_server = from the client); valid only during the call.
  // After switch_protocol, bytes of this call past the switch point are handed to the next
  // dissector by the engine: return `consumed` = how many bytes of this call belong to this protocol.
  virtual Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) = 0;
  // `length` bytes of this direction were lost; resynchronise at the next message boundary.
  virtual Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) = 0;
  // The flow ended: report what is pending (e.g. a login without its outcome).
  virtual void finish(FeedContext& context) = 0;
  // Back to the state of a new flow.
  virtual void reset() = 0;
};

}  // namespace spanwatch::proto
