#pragma once
// FTP facts (RFC 959, 2228, 2428). Filled in by the FTP/POP3 work; see proto/ftp/.
// Every string_view is valid only during EventSink::emit().
#include <cstdint>
#include <span>
#include <string_view>

#include "core/ip_address.hpp"

namespace spanwatch::events::ftp {

enum class LoginOutcome : std::uint8_t { success, failure, unknown };
enum class DataMode : std::uint8_t { none, active, passive };

constexpr std::string_view name_of(LoginOutcome o) {
  switch (o) {
    case LoginOutcome::success: return "success";
    case LoginOutcome::failure: return "failure";
    default: return "unknown";
  }
}
constexpr std::string_view name_of(DataMode m) {
  switch (m) {
    case DataMode::active: return "active";
    case DataMode::passive: return "passive";
    default: return "none";
  }
}

// A command line from the client. The argument of PASS and ACCT is the masked secret unless lab
// mode asked for the clear one.
struct Request {
  static constexpr std::string_view name = "ftp.request";
  std::string_view command;    // upper-cased verb ("USER")
  std::string_view arguments;  // the rest of the line, without the separating space
  bool truncated = false;      // the line was longer than the parser keeps
};

// One command/reply transaction, emitted at the final (2xx-5xx) reply: `command` is the command it
// answers (empty for the greeting or an unsolicited reply), `lines` every reply line since the
// command (preliminary 1xx replies included), `codes` each reply's code in order.
struct Reply {
  static constexpr std::string_view name = "ftp.reply";
  std::string_view command;
  std::string_view command_arguments;  // masked like Request's
  bool command_truncated = false;
  std::uint16_t code = 0;                       // final reply's code; 0 if it had none
  std::span<const std::uint16_t> codes;         // one per reply (preliminary and final)
  std::span<const std::string_view> lines;      // text of each reply line, code stripped
  bool reply_truncated = false;                 // lines or bytes beyond the parser's limit were dropped
  DataMode mode = DataMode::none;               // a data channel this transaction set up
  std::uint16_t data_port = 0;                  // its announced port (0: none)
};

// A login attempt, emitted when its outcome is known (or at a gap / the end of the flow, unknown).
struct Login {
  static constexpr std::string_view name = "ftp.login";
  std::string_view user;
  bool user_truncated = false;
  bool password_seen = false;
  std::string_view password_masked;  // "len=8 hmac=3f2a9c1e", empty without a password
  std::string_view password;         // only in lab mode (CredentialOptions::log_cleartext)
  bool account_seen = false;         // ACCT was sent
  bool anonymous = false;            // user "anonymous" or "ftp"
  bool guest = false;                // user "guest"
  LoginOutcome outcome = LoginOutcome::unknown;
  std::uint16_t reply_code = 0;      // the reply that decided the outcome (0: none)
  bool cleartext = true;             // false if AUTH TLS/SSL had been accepted before (never seen so far)
};

// A data connection announced on the control connection: PORT/EPRT/LPRT (active, from the client)
// or a 227/229/228 reply to PASV/EPSV/LPSV (passive, from the server). The control connection's
// client and server are the flow's: the engine has them, the parser does not.
struct DataChannel {
  static constexpr std::string_view name = "ftp.data_channel";
  DataMode mode = DataMode::none;
  std::string_view command;   // "PORT", "EPRT", "LPRT", "PASV", "EPSV", "LPSV"
  std::string_view argument;  // the raw argument (or reply text) it was parsed from
  bool valid = false;         // false: malformed, address and port are not set (not guessed)
  bool has_address = false;   // EPSV (229) announces a port only
  core::IpAddress address;
  std::uint16_t port = 0;
};

}  // namespace spanwatch::events::ftp
