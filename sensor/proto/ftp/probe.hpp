#pragma once
// Recognises FTP control connections by content: a server's "220" greeting that does not look like
// SMTP's, or a client's FTP command (case-insensitive).
#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "proto/probe.hpp"

namespace spanwatch::proto::ftp {

ProbeResult probe_ftp(core::Direction direction, core::Bytes first_bytes);

}  // namespace spanwatch::proto::ftp
