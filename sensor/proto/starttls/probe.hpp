#pragma once
// Recognises SMTP and IMAP by content, only so that their STARTTLS can be followed to TLS.
#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "proto/probe.hpp"

namespace spanwatch::proto::starttls {

// Server: "220 ... SMTP/ESMTP" (a bare 220 is maybe); client: EHLO/HELO (yes), MAIL/RCPT (yes).
ProbeResult probe_smtp(core::Direction direction, core::Bytes first_bytes);
// Server: "* OK" / "* PREAUTH" / "* BYE"; client: "<tag> CAPABILITY|LOGIN|STARTTLS|AUTHENTICATE|ID|NOOP".
ProbeResult probe_imap(core::Direction direction, core::Bytes first_bytes);

}  // namespace spanwatch::proto::starttls
