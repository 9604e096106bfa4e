#pragma once
// Recognises POP3 by content: a server's "+OK" greeting, or a client's POP3 command.
#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "proto/probe.hpp"

namespace spanwatch::proto::pop3 {

ProbeResult probe_pop3(core::Direction direction, core::Bytes first_bytes);

}  // namespace spanwatch::proto::pop3
