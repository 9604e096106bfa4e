#pragma once
// POP3 facts (RFC 1939, 2449, 2595, 5034). Filled in by the FTP/POP3 work; see proto/pop3/.
#include <string_view>

namespace spanwatch::events::pop3 {

struct Request { static constexpr std::string_view name = "pop3.request"; };
struct Response { static constexpr std::string_view name = "pop3.response"; };
struct Login { static constexpr std::string_view name = "pop3.login"; };
struct StartTls { static constexpr std::string_view name = "pop3.starttls"; };

}  // namespace spanwatch::events::pop3
