#pragma once
// The FTP control-connection state machine (RFC 959, 2228, 2428, 4217): commands and replies
// framed by LineFramer, matched in order (pipelining), logins with their outcome, data-channel
// announcements, and the AUTH TLS hand-off. Emits events/ftp.hpp facts; sans-I/O.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/counters.hpp"
#include "core/fixed_string.hpp"
#include "events/ftp.hpp"
#include "proto/credentials.hpp"
#include "proto/dissector.hpp"
#include "proto/ftp/wire.hpp"
#include "proto/ftp/workspace.hpp"
#include "proto/line_framer.hpp"
#include "proto/line_session.hpp"

namespace spanwatch::proto::ftp {

struct FtpOptions {
  CredentialOptions credentials;
  std::size_t max_line = 4096;              // per command or reply line; longer ones are cut
  std::size_t max_pending_commands = 32;    // commands awaiting their reply (pipelining)
  std::size_t max_reply_lines = 64;         // lines kept per transaction (multi-line replies)
  std::size_t max_reply_bytes = 8192;       // bytes kept per transaction
  std::size_t max_malformed_lines = 16;     // consecutive lines that are not FTP before detaching
  // The worker's shared buffers (workspace.hpp), built from these same options; null: each parser
  // makes its own.
  std::shared_ptr<FtpWorkspace> workspace;
};

// Every limit and malformation, counted by name; each also emits an AppAnomaly "ftp.<name>".
enum class FtpAnomaly : std::uint8_t {
  request_line_too_long,
  reply_line_too_long,
  request_malformed,
  reply_code_missing,
  reply_code_invalid,
  port_malformed,          // PORT / EPRT / LPRT argument
  passive_reply_malformed, // 227 / 228 / 229 text
  too_many_pending_commands,
  reply_truncated,         // lines or bytes beyond max_reply_lines / max_reply_bytes
  not_ftp,                 // too many malformed lines in a row: the parser detached
  request_gap,             // client bytes lost: commands may be missing, reply pairing is uncertain
  reply_to_lost_command,   // after a request gap, a reply that fits no pending command
  count_
};
std::string_view anomaly_name(FtpAnomaly anomaly);  // "ftp.request_line_too_long", ...

class FtpParser final : public Dissector {
 public:
  explicit FtpParser(const FtpOptions& options = {});
  ~FtpParser() override;
  FtpParser(const FtpParser&) = delete;
  FtpParser& operator=(const FtpParser&) = delete;

  events::Protocol protocol() const override { return events::Protocol::ftp; }
  Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) override;
  Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) override;
  void finish(FeedContext& context) override;
  void reset() override;

  const core::EnumCounters<FtpAnomaly>& anomalies() const { return lines_.anomalies(); }

 private:
  using Lines = LineSession<PendingCommand, FtpAnomaly>;
  friend Lines;  // calls on_client_line, on_server_line, on_unanswered
  enum class ReplyState : std::uint8_t { idle, multi_line };
  // user_accepted: 230 to USER; reported at the next command unless that is PASS (which then decides).
  enum class LoginState : std::uint8_t { none, user_sent, user_accepted, password_sent, account_sent };
  enum class Control : std::uint8_t { cleartext, tls_requested, tls };
  // uncertain: client bytes were lost, so replies to unseen commands may come before those to the
  // commands queued after the gap; a reply is paired only with a command it fits.
  enum class Pairing : std::uint8_t { certain, uncertain };

  Verdict on_client_line(const Line& line, FeedContext& context);
  Verdict on_server_line(const Line& line, FeedContext& context, bool& switch_now);  // a reply line
  void on_reply(std::uint16_t code, FeedContext& context, bool& switch_now);
  void on_login_reply(CommandKind kind, std::uint16_t code, bool certain, FeedContext& context);
  bool head_answers(std::uint16_t code) const;
  void on_passive_reply(std::uint16_t code, std::string_view text, FeedContext& context);
  void announce_active(std::string_view verb, std::string_view argument, PendingCommand& command,
                       FeedContext& context);
  void keep_reply_line(std::string_view text);
  void emit_reply(const PendingCommand* command, std::uint16_t code, FeedContext& context);
  void emit_login(events::ftp::LoginOutcome outcome, std::uint16_t code, FeedContext& context);
  void on_unanswered(const PendingCommand& command, FeedContext& context);
  // The transaction's buffer with room for `bytes` more text, `lines` more lines and `codes` more
  // codes: a short one first, moved to a full-size one when it would overflow; nullptr when even
  // that is full (the caller truncates). Taken in any case: an emitted reply gives it back.
  ReplyBuffer* reply_with_room(std::size_t bytes, std::size_t lines, std::size_t codes);
  void release_reply();

  FtpOptions options_;
  SecretMasker masker_;
  Lines lines_;  // framers, commands awaiting a final reply, anomaly counters, detaching

  // The transaction being answered: reply codes and lines since the last final reply.
  ReplyState reply_state_ = ReplyState::idle;
  std::uint16_t multi_line_code_ = 0;
  ReplyBuffer* reply_ = nullptr;  // taken with the transaction's first line or code, given back when emitted
  std::size_t reply_text_used_ = 0;
  bool reply_truncated_ = false;
  bool passive_seen_ = false;  // the current transaction's 227/228/229 was already reported

  LoginState login_ = LoginState::none;
  core::FixedString<256> user_;
  bool password_seen_ = false;
  bool account_seen_ = false;
  MaskedSecret password_masked_;
  core::FixedString<256> password_;  // only filled in lab mode

  std::uint16_t user_accepted_code_ = 0;
  bool greeting_seen_ = false;  // the first reply of the connection answers no command
  Control control_ = Control::cleartext;
  Pairing pairing_ = Pairing::certain;
  std::size_t pending_before_gap_ = 0;  // queued before the request gap: their replies still pair in order
  bool user_lost_ = false;              // a USER may have been in the gap: the next PASS's user is unknown
};

}  // namespace spanwatch::proto::ftp
