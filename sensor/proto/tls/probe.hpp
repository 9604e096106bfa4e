#pragma once
// Recognising TLS by content: a handshake record (type 0x16, version 0x0300..0x0304, length within
// the record-size limit) or an SSLv2-compatible ClientHello (RFC 5246 E.2).
#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "proto/probe.hpp"

namespace spanwatch::proto::tls {

ProbeResult probe_tls(core::Direction direction, core::Bytes first_bytes);

}  // namespace spanwatch::proto::tls
