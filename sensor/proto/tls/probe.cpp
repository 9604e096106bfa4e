#include "proto/tls/probe.hpp"

#include "proto/tls/wire.hpp"

namespace spanwatch::proto::tls {
namespace {

// RFC 5246 E.2: a 2-byte header with the high bit set, then msg_type 1 (CLIENT-HELLO) and a version
// 0x0002 (SSLv2) or 0x03xx. Only a client sends it.
ProbeResult probe_sslv2_hello(core::Direction direction, core::Bytes b) {
  if (direction != core::Direction::to_server) return ProbeResult::no;
  if (b.size() < 5) return ProbeResult::maybe;
  const std::size_t length = ((b[0] & 0x7fu) << 8) | b[1];
  if (b[2] != 1 || length < 9) return ProbeResult::no;
  const bool version_ok = (b[3] == 0 && b[4] == 2) || (b[3] == 3 && b[4] <= 4);
  return version_ok ? ProbeResult::yes : ProbeResult::no;
}

}  // namespace

ProbeResult probe_tls(core::Direction direction, core::Bytes b) {
  if (b.empty()) return ProbeResult::maybe;
  if ((b[0] & 0x80u) != 0) return probe_sslv2_hello(direction, b);
  if (b[0] != static_cast<std::uint8_t>(ContentType::handshake)) return ProbeResult::no;
  if (b.size() < 2) return ProbeResult::maybe;
  if (b[1] != 3) return ProbeResult::no;
  if (b.size() < 3) return ProbeResult::maybe;
  if (b[2] > 4) return ProbeResult::no;
  if (b.size() < 5) return ProbeResult::maybe;
  const std::size_t length = core::load_be16(b.data() + 3);
  if (length == 0 || length > max_record_length) return ProbeResult::no;
  if (b.size() < 6) return ProbeResult::maybe;
  // The first handshake message of either side is a hello (1 client, 2 server).
  const std::uint8_t type = b[5];
  if (direction == core::Direction::to_server) return type == 1 ? ProbeResult::yes : ProbeResult::no;
  return type == 2 ? ProbeResult::yes : ProbeResult::no;
}

}  // namespace spanwatch::proto::tls
