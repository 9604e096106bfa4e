#pragma once
// POP3 facts (RFC 1939, 2449, 2595, 5034). Filled in by the FTP/POP3 work; see proto/pop3/.
// Every string_view is valid only during EventSink::emit().
#include <cstdint>
#include <span>
#include <string_view>

namespace spanwatch::events::pop3 {

enum class LoginOutcome : std::uint8_t { success, failure, unknown };
enum class Status : std::uint8_t { ok, err, continuation, none };
enum class Mechanism : std::uint8_t { user_pass, apop, plain, login, xoauth2, oauthbearer, cram_md5, other };

constexpr std::string_view name_of(LoginOutcome o) {
  switch (o) {
    case LoginOutcome::success: return "success";
    case LoginOutcome::failure: return "failure";
    default: return "unknown";
  }
}
constexpr std::string_view name_of(Status s) {
  switch (s) {
    case Status::ok: return "+OK";
    case Status::err: return "-ERR";
    case Status::continuation: return "+";
    default: return "";
  }
}
constexpr std::string_view name_of(Mechanism m) {
  switch (m) {
    case Mechanism::user_pass: return "USER/PASS";
    case Mechanism::apop: return "APOP";
    case Mechanism::plain: return "AUTH PLAIN";
    case Mechanism::login: return "AUTH LOGIN";
    case Mechanism::xoauth2: return "AUTH XOAUTH2";
    case Mechanism::oauthbearer: return "AUTH OAUTHBEARER";
    case Mechanism::cram_md5: return "AUTH CRAM-MD5";
    default: return "AUTH";
  }
}

// A command line from the client. Secrets in arguments (PASS, AUTH initial responses) are masked
// unless lab mode asked for them; SASL continuation lines are not requests and are not reported.
struct Request {
  static constexpr std::string_view name = "pop3.request";
  std::string_view command;    // upper-cased verb
  std::string_view arguments;
  bool truncated = false;
};

// A server response with the request it answers (empty command for the greeting): one EVE pop3
// record per request/response. `data` holds the lines of a multi-line response (dot-stuffing
// removed) for listings (CAPA, LIST, UIDL), never message bodies (RETR, TOP).
struct Response {
  static constexpr std::string_view name = "pop3.response";
  std::string_view command;
  std::string_view command_arguments;
  Status status = Status::none;
  std::string_view header;  // the first line after the status indicator
  std::span<const std::string_view> data;
  bool data_truncated = false;
  std::uint32_t data_lines = 0;  // lines in the multi-line body, kept or not
};

struct Login {
  static constexpr std::string_view name = "pop3.login";
  Mechanism mechanism = Mechanism::user_pass;
  std::string_view mechanism_name;  // as sent for Mechanism::other ("GSSAPI"), else name_of(mechanism)
  std::string_view user;            // USER / APOP user / SASL authentication identity
  bool user_truncated = false;
  bool secret_seen = false;         // a password, token or digest was sent
  bool secret_in_clear = false;     // the secret itself crossed the wire (not APOP / CRAM-MD5 digests)
  std::string_view secret_masked;
  std::string_view secret;          // only in lab mode
  LoginOutcome outcome = LoginOutcome::unknown;
  bool cleartext = true;            // no STLS had been accepted before
};

// STLS and the server's answer: accepted means the rest of the connection is TLS.
struct StartTls {
  static constexpr std::string_view name = "pop3.starttls";
  bool accepted = false;
};

}  // namespace spanwatch::events::pop3
