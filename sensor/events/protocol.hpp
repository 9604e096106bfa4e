#pragma once
#include <cstdint>
#include <string_view>

namespace spanwatch::events {

// Application protocols the sensor dissects (or recognises enough to hand off, like SMTP/IMAP
// STARTTLS). The names are the EVE `app_proto` values.
enum class Protocol : std::uint8_t { none = 0, ftp, pop3, smb, tls, smtp, imap, count_ };

constexpr std::string_view name_of(Protocol p) {
  switch (p) {
    case Protocol::ftp: return "ftp";
    case Protocol::pop3: return "pop3";
    case Protocol::smb: return "smb";
    case Protocol::tls: return "tls";
    case Protocol::smtp: return "smtp";
    case Protocol::imap: return "imap";
    default: return "unknown";
  }
}

}  // namespace spanwatch::events
