#pragma once
// FTP facts (RFC 959, 2228, 2428). Filled in by the FTP/POP3 work; see proto/ftp/.
#include <string_view>

namespace spanwatch::events::ftp {

struct Request { static constexpr std::string_view name = "ftp.request"; };
struct Reply { static constexpr std::string_view name = "ftp.reply"; };
struct Login { static constexpr std::string_view name = "ftp.login"; };
struct DataChannel { static constexpr std::string_view name = "ftp.data_channel"; };

}  // namespace spanwatch::events::ftp
