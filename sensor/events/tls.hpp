#pragma once
// TLS facts (RFC 5246, 8446). Filled in by the TLS work; see proto/tls/.
#include <string_view>

namespace spanwatch::events::tls {

struct ClientHello { static constexpr std::string_view name = "tls.client_hello"; };
struct ServerHello { static constexpr std::string_view name = "tls.server_hello"; };
struct Certificate { static constexpr std::string_view name = "tls.certificate"; };
struct Alert { static constexpr std::string_view name = "tls.alert"; };
struct Handshake { static constexpr std::string_view name = "tls.handshake"; };

}  // namespace spanwatch::events::tls
