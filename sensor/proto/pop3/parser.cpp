#include "proto/pop3/parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "proto/pop3/base64.hpp"
#include "proto/pop3/sasl.hpp"

namespace spanwatch::proto::pop3 {
namespace {

using events::pop3::LoginOutcome;
using events::pop3::Mechanism;
using events::pop3::Status;

constexpr std::array<std::string_view, static_cast<std::size_t>(Pop3Anomaly::count_)> anomaly_names = {
    "pop3.request_line_too_long", "pop3.response_line_too_long", "pop3.request_malformed",
    "pop3.response_malformed",    "pop3.too_many_pending_commands", "pop3.sasl_base64_invalid",
    "pop3.sasl_response_malformed", "pop3.data_truncated",        "pop3.not_pop3",
    "pop3.multi_line_gap",          "pop3.resync_at_response"};

bool plausible_verb(std::string_view verb) {
  if (verb.empty() || verb.size() > 16) return false;
  return std::all_of(verb.begin(), verb.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_'; });
}

// "+OK", "-ERR" or "+" followed by a space or the end of the line.
Status status_of(std::string_view line, std::string_view& rest) {
  for (auto [prefix, status] : {std::pair{std::string_view("+OK"), Status::ok}, std::pair{std::string_view("-ERR"), Status::err},
                                std::pair{std::string_view("+"), Status::continuation}}) {
    if (!istarts_with(line, prefix)) continue;
    if (line.size() == prefix.size()) {
      rest = {};
      return status;
    }
    if (line[prefix.size()] == ' ') {
      rest = line.substr(prefix.size() + 1);
      return status;
    }
  }
  return Status::none;
}

}  // namespace

std::string_view anomaly_name(Pop3Anomaly anomaly) { return anomaly_names[static_cast<std::size_t>(anomaly)]; }

Pop3Parser::Pop3Parser(const Pop3Options& options)
    : options_(with_own_workspace(options)),
      masker_(options.credentials),
      lines_(options_, events::Protocol::pop3, Pop3Anomaly::too_many_pending_commands, Pop3Anomaly::not_pop3) {}

Pop3Parser::~Pop3Parser() { release_listing(); }

void Pop3Parser::release_listing() {
  data_text_used_ = 0;
  if (listing_ == nullptr) return;
  listing_->lines.clear();
  options_.workspace->listings.give_back(listing_);
  listing_ = nullptr;
}

void Pop3Parser::reset() {
  lines_.reset();
  release_listing();
  client_ = ClientState::command;
  server_ = ServerState::response;
  multi_line_status_ = Status::none;
  header_.clear();
  data_line_count_ = 0;
  data_truncated_ = false;
  data_lost_ = false;
  login_active_ = false;
  mechanism_ = Mechanism::user_pass;
  mechanism_name_.clear();
  user_.clear();
  secret_seen_ = secret_in_clear_ = false;
  secret_masked_.clear();
  secret_.clear();
  sasl_step_ = 0;
  tls_ = false;
}

Verdict Pop3Parser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  return lines_.feed(*this, direction, bytes, context, consumed);
}

void Pop3Parser::set_secret(std::string_view secret, bool in_clear) {
  secret_seen_ = true;
  secret_in_clear_ = in_clear;
  secret_masked_ = masker_.mask(secret);
  if (masker_.log_cleartext()) secret_.assign(secret);
}

Verdict Pop3Parser::on_client_line(const Line& line, FeedContext& context) {
  if (line.too_long) lines_.report(Pop3Anomaly::request_line_too_long, context);
  if (client_ == ClientState::sasl) {
    on_sasl_response(line.text, context);
    return Verdict::more();
  }
  if (line.text.empty() && line.terminated) return Verdict::more();
  const VerbAndRest split = split_verb(line.text);
  if (!plausible_verb(split.verb)) return lines_.malformed(*this, Pop3Anomaly::request_malformed, context);
  lines_.well_formed();

  PendingCommand& slot = lines_.push_command(*this, split.verb, line.too_long, context);
  slot.arguments.assign(split.rest);
  const std::string_view verb = slot.verb.view();
  const std::string_view args = split.rest;

  const auto start_login = [&](Mechanism mechanism, std::string_view mechanism_name) {
    if (login_active_ && secret_seen_) emit_login(LoginOutcome::unknown, context);
    login_active_ = true;
    mechanism_ = mechanism;
    mechanism_name_.assign(mechanism_name);
    user_.clear();
    secret_seen_ = secret_in_clear_ = false;
    secret_masked_.clear();
    secret_.clear();
    sasl_step_ = 0;
  };

  if (verb == "USER") {
    slot.kind = CommandKind::user;
    start_login(Mechanism::user_pass, events::pop3::name_of(Mechanism::user_pass));
    user_.assign(args);
  } else if (verb == "PASS") {
    slot.kind = CommandKind::pass;
    if (!login_active_ || mechanism_ != Mechanism::user_pass)
      start_login(Mechanism::user_pass, events::pop3::name_of(Mechanism::user_pass));
    set_secret(args, true);
    slot.arguments.assign(masker_.log_cleartext() ? args : secret_masked_.view());
  } else if (verb == "APOP") {
    slot.kind = CommandKind::apop;
    const VerbAndRest apop = split_verb(args);
    start_login(Mechanism::apop, events::pop3::name_of(Mechanism::apop));
    user_.assign(apop.verb);
    set_secret(apop.rest, false);
  } else if (verb == "AUTH") {
    if (args.empty()) {
      slot.kind = CommandKind::listing;  // lists the mechanisms (RFC 1734 servers)
    } else {
      slot.kind = CommandKind::auth;
      const VerbAndRest auth = split_verb(args);
      const Mechanism mechanism = mechanism_of(auth.verb);
      start_login(mechanism, mechanism == Mechanism::other ? auth.verb : events::pop3::name_of(mechanism));
      client_ = ClientState::sasl;
      if (!auth.rest.empty()) {
        on_sasl_response(auth.rest, context);
        // Keep the mechanism, mask the initial response.
        std::array<char, 64> text{};
        const MaskedSecret masked_initial = masker_.mask(auth.rest);
        const std::string_view masked = masked_initial.view();
        const std::size_t n = std::min(auth.verb.size(), std::size_t{16});
        std::memcpy(text.data(), auth.verb.data(), n);
        text[n] = ' ';
        const std::size_t m = std::min(masked.size(), text.size() - n - 1);
        std::memcpy(text.data() + n + 1, masked.data(), m);
        if (!masker_.log_cleartext()) slot.arguments.assign(std::string_view(text.data(), n + 1 + m));
      }
    }
  } else if (verb == "STLS") {
    slot.kind = CommandKind::stls;
  } else if (verb == "CAPA") {
    slot.kind = CommandKind::listing;
  } else if ((verb == "LIST" || verb == "UIDL") && args.empty()) {
    slot.kind = CommandKind::listing;
  } else if (verb == "RETR" || verb == "TOP") {
    slot.kind = CommandKind::body;
  }
  slot.truncated = slot.truncated || slot.arguments.truncated();
  context.sink.emit(events::pop3::Request{verb, slot.arguments.view(), slot.truncated});
  return Verdict::more();
}

void Pop3Parser::on_sasl_response(std::string_view line, FeedContext& context) {
  if (line == "*") return;  // the client cancels; the server's -ERR ends the exchange
  ++sasl_step_;
  if (line.empty() || line == "=") return;
  const auto decoded = decode_base64(line, options_.workspace->decoded);
  if (!decoded) {
    lines_.report(Pop3Anomaly::sasl_base64_invalid, context);
    return;
  }
  std::optional<SaslIdentity> id;
  bool in_clear = true;
  switch (mechanism_) {
    case Mechanism::plain:
      if (sasl_step_ == 1) id = parse_plain(*decoded);
      break;
    case Mechanism::login:
      if (sasl_step_ == 1) {
        user_.assign(*decoded);
      } else if (sasl_step_ == 2) {
        set_secret(*decoded, true);
      }
      return;
    case Mechanism::xoauth2:
      if (sasl_step_ == 1) id = parse_xoauth2(*decoded);
      break;
    case Mechanism::oauthbearer:
      if (sasl_step_ == 1) id = parse_oauthbearer(*decoded);
      break;
    case Mechanism::cram_md5:
      if (sasl_step_ == 1) id = parse_cram_md5(*decoded);
      in_clear = false;
      break;
    default:
      return;  // GSSAPI, NTLM, ...: opaque exchanges
  }
  if (sasl_step_ != 1) return;
  if (!id) {
    lines_.report(Pop3Anomaly::sasl_response_malformed, context);
    return;
  }
  user_.assign(id->user);
  set_secret(id->secret, in_clear);
}

Verdict Pop3Parser::on_server_line(const Line& line, FeedContext& context, bool& switch_now) {
  if (line.too_long) lines_.report(Pop3Anomaly::response_line_too_long, context);
  if (server_ == ServerState::resync && !on_resync_line(line, context, switch_now)) return Verdict::more();
  std::string_view rest;
  if (server_ == ServerState::multi_line) {
    if (line.text == "." && line.terminated) {
      server_ = ServerState::response;
      on_final_response(multi_line_status_, context, switch_now);
      return Verdict::more();
    }
    std::string_view text = line.text;
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // dot-stuffing
    ++data_line_count_;
    if (!lines_.pending().empty() && lines_.pending().front().kind == CommandKind::listing) keep_data_line(text);
    return Verdict::more();
  }
  if (line.text.empty() && line.terminated) return Verdict::more();
  const Status status = status_of(line.text, rest);
  if (status == Status::none) return lines_.malformed(*this, Pop3Anomaly::response_malformed, context);
  lines_.well_formed();
  PendingCommand* front = lines_.pending().empty() ? nullptr : &lines_.pending().front();
  if (status == Status::continuation) {
    if (front == nullptr || front->kind != CommandKind::auth)
      return lines_.malformed(*this, Pop3Anomaly::response_malformed, context);
    emit_response(front, status, rest, context);
    return Verdict::more();
  }
  if (status == Status::ok && front != nullptr &&
      (front->kind == CommandKind::listing || front->kind == CommandKind::body)) {
    server_ = ServerState::multi_line;
    multi_line_status_ = status;
    header_.assign(rest);
    release_listing();
    data_line_count_ = 0;
    data_truncated_ = false;
    return Verdict::more();
  }
  header_.assign(rest);
  on_final_response(status, context, switch_now);
  return Verdict::more();
}

std::size_t Pop3Parser::first_multi_line_pending() const {
  const PendingQueue& pending = lines_.pending();
  std::size_t index = 0;
  std::size_t first = pending.size();
  pending.for_each([&](const PendingCommand& command) {
    const bool multi_line = command.kind == CommandKind::listing || command.kind == CommandKind::body;
    if (multi_line && first == pending.size()) first = index;
    ++index;
  });
  return first;
}

// A line while resynchronising; true when it is a response to parse as usual. Body lines may say
// anything ("+OK" included), so a status line counts only when a command sent after the cut one
// is pending for it to answer. Responses come in order: the commands before the cut one lost
// theirs in the hole, and the cut one is reported as it stood.
bool Pop3Parser::on_resync_line(const Line& line, FeedContext& context, bool& switch_now) {
  const std::size_t cut = first_multi_line_pending();
  const std::size_t pending = lines_.pending().size();
  std::string_view rest;
  const Status status = status_of(line.text, rest);
  const bool terminator = line.text == "." && line.terminated;
  const bool answers_later = (status == Status::ok || status == Status::err) && cut + 1 < pending;
  if (!terminator && !answers_later && cut < pending) {
    ++data_line_count_;
    return false;
  }
  if (answers_later) lines_.report(Pop3Anomaly::resync_at_response, context);
  server_ = ServerState::response;
  if (cut == pending) return true;  // nothing multi-line pending any more (flushed on overflow)
  for (std::size_t i = 0; i < cut; ++i) drop_unanswered(context);
  on_final_response(multi_line_status_, context, switch_now);  // listing or body: never a switch
  return !terminator;
}

void Pop3Parser::drop_unanswered(FeedContext& context) {
  const PendingCommand& command = lines_.pending().front();
  if (command.kind == CommandKind::auth) client_ = ClientState::command;
  // Not emit_response: the data held belongs to the cut multi-line response, not to this one.
  events::pop3::Response response;
  response.command = command.verb.view();
  response.command_arguments = command.arguments.view();
  context.sink.emit(response);
  lines_.pending().pop_front();
}

void Pop3Parser::keep_data_line(std::string_view text) {
  if (listing_ == nullptr) listing_ = options_.workspace->listings.take();  // lines cleared when given back
  auto& lines = listing_->lines;
  if (lines.size() == lines.capacity() || data_text_used_ + text.size() > listing_->text.size()) {
    data_truncated_ = true;
    return;
  }
  char* at = listing_->text.data() + data_text_used_;
  std::memcpy(at, text.data(), text.size());
  lines.emplace_back(at, text.size());
  data_text_used_ += text.size();
}

void Pop3Parser::on_final_response(Status status, FeedContext& context, bool& switch_now) {
  PendingQueue& pending = lines_.pending();
  if (pending.empty()) {
    emit_response(nullptr, status, header_.view(), context);  // the greeting, or unsolicited
    return;
  }
  const CommandKind kind = pending.front().kind;
  emit_response(&pending.front(), status, header_.view(), context);
  pending.pop_front();
  const LoginOutcome outcome = status == Status::ok ? LoginOutcome::success : LoginOutcome::failure;
  switch (kind) {
    case CommandKind::user:
      if (status != Status::ok && login_active_) emit_login(LoginOutcome::failure, context);
      break;
    case CommandKind::pass:
    case CommandKind::apop:
      if (login_active_) emit_login(outcome, context);
      break;
    case CommandKind::auth:
      client_ = ClientState::command;
      if (login_active_ && (secret_seen_ || !user_.empty())) {
        emit_login(outcome, context);
      } else {
        login_active_ = false;  // cancelled or opaque: nothing to report
      }
      break;
    case CommandKind::stls:
      context.sink.emit(events::pop3::StartTls{status == Status::ok});
      if (status == Status::ok) {
        tls_ = true;
        switch_now = true;
      }
      break;
    default:
      break;
  }
}

void Pop3Parser::emit_response(const PendingCommand* command, Status status, std::string_view header,
                               FeedContext& context) {
  events::pop3::Response response;
  if (command != nullptr) {
    response.command = command->verb.view();
    response.command_arguments = command->arguments.view();
  }
  response.status = status;
  response.header = header;
  if (listing_ != nullptr) response.data = listing_->lines;
  response.data_truncated = data_truncated_ || data_lost_;
  response.data_lines = data_line_count_;
  if (data_truncated_) lines_.report(Pop3Anomaly::data_truncated, context);
  context.sink.emit(response);
  release_listing();
  data_line_count_ = 0;
  data_truncated_ = false;
  data_lost_ = false;
}

void Pop3Parser::emit_login(LoginOutcome outcome, FeedContext& context) {
  events::pop3::Login login;
  login.mechanism = mechanism_;
  login.mechanism_name = mechanism_name_.view();
  login.user = user_.view();
  login.user_truncated = user_.truncated();
  login.secret_seen = secret_seen_;
  login.secret_in_clear = secret_seen_ && secret_in_clear_;
  login.secret_masked = secret_seen_ ? secret_masked_.view() : std::string_view{};
  login.secret = secret_.view();
  login.outcome = outcome;
  login.cleartext = !tls_;
  context.sink.emit(login);
  login_active_ = false;
  secret_seen_ = secret_in_clear_ = false;
  secret_masked_.clear();
  secret_.clear();
}

Verdict Pop3Parser::gap(core::Direction direction, std::uint64_t /*length*/, FeedContext& context) {
  lines_.gap(direction);
  if (direction != core::Direction::to_client) return lines_.verdict();
  if (login_active_ && secret_seen_) emit_login(LoginOutcome::unknown, context);  // its response may be in the hole
  // Inside a multi-line response, or awaiting one whose "+OK" may have been in the hole: what
  // follows may be body lines, never to be taken for responses.
  const bool awaiting_multi_line = first_multi_line_pending() < lines_.pending().size();
  if (server_ == ServerState::multi_line || (server_ == ServerState::response && awaiting_multi_line)) {
    if (server_ == ServerState::response) {
      multi_line_status_ = Status::none;  // the header line was lost, if it came at all
      header_.clear();
      release_listing();
      data_line_count_ = 0;
      data_truncated_ = false;
    }
    server_ = ServerState::resync;
    data_lost_ = true;
    lines_.report(Pop3Anomaly::multi_line_gap, context);
  }
  return lines_.verdict();
}

void Pop3Parser::on_unanswered(const PendingCommand& command, FeedContext& context) {
  emit_response(&command, Status::none, {}, context);
}

void Pop3Parser::finish(FeedContext& context) {
  if (lines_.detached()) return;
  lines_.flush_pending(*this, context);
  if (login_active_ && secret_seen_) emit_login(LoginOutcome::unknown, context);
}

}  // namespace spanwatch::proto::pop3
