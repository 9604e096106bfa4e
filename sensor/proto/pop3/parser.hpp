#pragma once
// The POP3 state machine (RFC 1939, 2449, 2595, 5034): commands matched in order with their
// +OK/-ERR responses (pipelining), multi-line responses (listings kept, message bodies skipped,
// dot-stuffing removed), logins by USER/PASS, APOP and SASL (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER,
// CRAM-MD5) with their outcome, and the STLS hand-off to TLS. Emits events/pop3.hpp facts.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/counters.hpp"
#include "core/fixed_string.hpp"
#include "events/pop3.hpp"
#include "proto/credentials.hpp"
#include "proto/dissector.hpp"
#include "proto/line_framer.hpp"
#include "proto/line_session.hpp"
#include "proto/pop3/workspace.hpp"

namespace spanwatch::proto::pop3 {

struct Pop3Options {
  CredentialOptions credentials;
  std::size_t max_line = 4096;            // per line (XOAUTH2 responses run to a few KiB)
  std::size_t max_pending_commands = 16;  // commands awaiting their response (PIPELINING)
  std::size_t max_data_lines = 32;        // listing lines kept per response (CAPA, LIST, UIDL)
  std::size_t max_data_bytes = 4096;      // listing bytes kept per response
  std::size_t max_malformed_lines = 16;   // consecutive lines that are not POP3 before detaching
  // The worker's shared buffers (workspace.hpp), built from these same options; null: each parser
  // makes its own.
  std::shared_ptr<Pop3Workspace> workspace;
};

enum class Pop3Anomaly : std::uint8_t {
  request_line_too_long,
  response_line_too_long,
  request_malformed,
  response_malformed,
  too_many_pending_commands,
  sasl_base64_invalid,
  sasl_response_malformed,
  data_truncated,
  not_pop3,
  multi_line_gap,      // server bytes lost inside (or before) a multi-line response: its lines are skipped
  resync_at_response,  // its terminator was lost too: resynchronised at a later command's +OK/-ERR
  count_
};
std::string_view anomaly_name(Pop3Anomaly anomaly);  // "pop3.request_line_too_long", ...

class Pop3Parser final : public Dissector {
 public:
  explicit Pop3Parser(const Pop3Options& options = {});
  ~Pop3Parser() override;
  Pop3Parser(const Pop3Parser&) = delete;
  Pop3Parser& operator=(const Pop3Parser&) = delete;

  events::Protocol protocol() const override { return events::Protocol::pop3; }
  Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) override;
  Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) override;
  void finish(FeedContext& context) override;
  void reset() override;

  const core::EnumCounters<Pop3Anomaly>& anomalies() const { return lines_.anomalies(); }

 private:
  using Lines = LineSession<PendingCommand, Pop3Anomaly>;
  friend Lines;  // calls on_client_line, on_server_line, on_unanswered
  enum class ClientState : std::uint8_t { command, sasl };       // sasl: AUTH awaits its final response
  // resync: after lost server bytes while a multi-line response was (or may have been) under way,
  // lines are skipped until its lone "." or a +OK/-ERR that can answer a later command.
  enum class ServerState : std::uint8_t { response, multi_line, resync };

  Verdict on_client_line(const Line& line, FeedContext& context);
  void on_auth_command(std::string_view arguments, FeedContext& context);
  void on_sasl_response(std::string_view line, FeedContext& context);
  Verdict on_server_line(const Line& line, FeedContext& context, bool& switch_now);
  bool on_resync_line(const Line& line, FeedContext& context, bool& switch_now);
  std::size_t first_multi_line_pending() const;  // queue index of the first LIST/RETR/...; the queue size if none
  void drop_unanswered(FeedContext& context);
  void on_final_response(events::pop3::Status status, FeedContext& context, bool& switch_now);
  void keep_data_line(std::string_view text);
  void emit_response(const PendingCommand* command, events::pop3::Status status, std::string_view header,
                     FeedContext& context);
  void emit_login(events::pop3::LoginOutcome outcome, FeedContext& context);
  void on_unanswered(const PendingCommand& command, FeedContext& context);
  void set_secret(std::string_view secret, bool in_clear);
  void release_listing();

  Pop3Options options_;
  SecretMasker masker_;
  Lines lines_;  // framers, commands awaiting their response, anomaly counters, detaching

  ClientState client_ = ClientState::command;
  ServerState server_ = ServerState::response;
  events::pop3::Status multi_line_status_ = events::pop3::Status::none;
  core::FixedString<512> header_;       // first line of a multi-line response
  ListingBuffer* listing_ = nullptr;    // taken with a listing's first kept line, given back with its response
  std::size_t data_text_used_ = 0;
  std::uint32_t data_line_count_ = 0;
  bool data_truncated_ = false;
  bool data_lost_ = false;  // part of the current multi-line response was in a gap

  // The login attempt in progress.
  bool login_active_ = false;
  events::pop3::Mechanism mechanism_ = events::pop3::Mechanism::user_pass;
  core::FixedString<32> mechanism_name_;
  core::FixedString<256> user_;
  bool secret_seen_ = false;
  bool secret_in_clear_ = false;
  MaskedSecret secret_masked_;
  core::FixedString<512> secret_;  // lab mode only
  unsigned sasl_step_ = 0;

  bool tls_ = false;
};

}  // namespace spanwatch::proto::pop3
