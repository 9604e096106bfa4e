#pragma once
// The contract between TCP reassembly and whatever reads a flow's bytes (the protocol dissectors).
// Reassembly calls feed() with in-order bytes of one direction, gap() where bytes are missing, and
// finish() once when the flow ends. The consumer takes every byte it is given (it keeps what it
// still needs in its own bounded buffer) and answers with what it wants next.
#include <cstdint>

#include "core/bytes.hpp"
#include "core/direction.hpp"

namespace spanwatch::flow::tcp {

struct StreamVerdict {
  enum class Want : std::uint8_t {
    more,  // keep delivering
    skip,  // skip `skip_bytes` more bytes of this direction without delivering them (e.g. a file body)
    stop,  // no more bytes wanted from this flow, either direction: later segments cost only a lookup
  };
  Want want = Want::more;
  std::uint64_t skip_bytes = 0;

  static constexpr StreamVerdict more() { return {}; }
  static constexpr StreamVerdict skip(std::uint64_t n) { return {Want::skip, n}; }
  static constexpr StreamVerdict stop() { return {Want::stop, 0}; }
};

class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  // `bytes` is valid only during the call.
  virtual StreamVerdict feed(core::Direction direction, core::Bytes bytes) = 0;
  // `length` bytes of this direction were lost (capture loss, reassembly limits, midstream start).
  // A direction picked up midstream starts with gap(0): earlier bytes exist, their number is unknown.
  virtual StreamVerdict gap(core::Direction direction, std::uint64_t length) = 0;
  // The flow ended (FIN/RST both ways, timeout, eviction or end of capture).
  virtual void finish() = 0;
};

}  // namespace spanwatch::flow::tcp
