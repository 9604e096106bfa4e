#pragma once
// TLS alert description names (RFC 8446 6, RFC 5246 7.2, RFC 7507, RFC 8446 registry).
#include <cstdint>
#include <string_view>

namespace spanwatch::proto::tls {

// "handshake_failure", "inappropriate_fallback", ...; "unknown" for an unregistered value.
std::string_view alert_description_name(std::uint8_t description);
// What an alert is called in events: its description's name, or "encrypted" (sent after
// ChangeCipherSpec, its description unknown).
std::string_view alert_name(bool encrypted, std::uint8_t description);

}  // namespace spanwatch::proto::tls
