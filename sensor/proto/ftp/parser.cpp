#include "proto/ftp/parser.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace spanwatch::proto::ftp {
namespace {

using events::ftp::DataMode;
using events::ftp::LoginOutcome;

constexpr std::array<std::string_view, static_cast<std::size_t>(FtpAnomaly::count_)> anomaly_names = {
    "ftp.request_line_too_long", "ftp.reply_line_too_long",   "ftp.request_malformed",
    "ftp.reply_code_missing",    "ftp.reply_code_invalid",    "ftp.port_malformed",
    "ftp.passive_reply_malformed", "ftp.too_many_pending_commands", "ftp.reply_truncated",
    "ftp.not_ftp", "ftp.request_gap", "ftp.reply_to_lost_command"};

// Upper-cases a verb into fixed storage (verbs are ASCII letters by construction).
bool looks_like_text(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 || u == '\t';
  });
}

// Whether `code` can be a final reply to a command of this kind (RFC 959 4.2 and 5.4, RFC 2228,
// RFC 2428). Generic refusals fit every command; codes that only one command gets fit only it.
template <class Kind>
bool reply_fits(Kind kind, std::uint16_t code) {
  if (code == 421 || code == 500 || code == 501 || code == 502 || code == 503 || code == 504 || code == 530) return true;
  switch (kind) {
    case Kind::user: return code == 230 || code == 331 || code == 332;
    case Kind::pass: return code == 230 || code == 202 || code == 332;
    case Kind::acct: return code == 230 || code == 202;
    case Kind::auth_tls: return code == 234 || code == 334 || code == 431 || code == 534 || code == 535;
    case Kind::port: return code == 200 || code == 522;
    case Kind::pasv: return code == 227;
    case Kind::epsv: return code == 229 || code == 522;
    case Kind::lpsv: return code == 228;
    default:
      return code != 227 && code != 228 && code != 229 && code != 230 && code != 234 && code != 331 && code != 332;
  }
}

bool is_anonymous(std::string_view user) { return iequals(user, "anonymous") || iequals(user, "ftp"); }

void set_endpoint(events::ftp::DataChannel& channel, const HostPort& endpoint) {
  channel.valid = true;
  channel.has_address = endpoint.has_address;
  channel.address = endpoint.address;
  channel.port = endpoint.port;
}

}  // namespace

std::string_view anomaly_name(FtpAnomaly anomaly) { return anomaly_names[static_cast<std::size_t>(anomaly)]; }

FtpParser::FtpParser(const FtpOptions& options)
    : options_(with_own_workspace(options)),
      masker_(options.credentials),
      lines_(options_, events::Protocol::ftp, FtpAnomaly::too_many_pending_commands, FtpAnomaly::not_ftp) {}

FtpParser::~FtpParser() { release_reply(); }

namespace {
// Back to the pool it came from, lines and codes cleared (as takers expect them).
void give_back(FtpWorkspace& workspace, ReplyBuffer* reply) {
  reply->lines.clear();
  reply->codes.clear();
  (reply->full_size ? workspace.full_replies : workspace.short_replies).give_back(reply);
}
}  // namespace

void FtpParser::release_reply() {
  reply_text_used_ = 0;
  if (reply_ == nullptr) return;
  give_back(*options_.workspace, reply_);
  reply_ = nullptr;
}

ReplyBuffer* FtpParser::reply_with_room(std::size_t bytes, std::size_t lines, std::size_t codes) {
  FtpWorkspace& workspace = *options_.workspace;
  if (reply_ == nullptr) reply_ = workspace.short_replies.take();
  const auto fits = [&](const ReplyBuffer& reply) {
    return reply_text_used_ + bytes <= reply.text_size && reply.lines.size() + lines <= reply.lines.capacity() &&
           reply.codes.size() + codes <= reply.codes.capacity();
  };
  if (fits(*reply_)) return reply_;
  if (reply_->full_size) return nullptr;
  // Outgrown: the transaction so far moves to a full-size buffer (within its reserve: no allocation).
  ReplyBuffer* full = workspace.full_replies.take();
  std::memcpy(full->text.get(), reply_->text.get(), reply_text_used_);
  for (const std::string_view line : reply_->lines)
    full->lines.emplace_back(full->text.get() + (line.data() - reply_->text.get()), line.size());
  full->codes.assign(reply_->codes.begin(), reply_->codes.end());
  give_back(workspace, reply_);
  reply_ = full;
  return fits(*reply_) ? reply_ : nullptr;
}

void FtpParser::reset() {
  lines_.reset();
  release_reply();
  reply_state_ = ReplyState::idle;
  multi_line_code_ = 0;
  reply_truncated_ = false;
  passive_seen_ = false;
  login_ = LoginState::none;
  user_.clear();
  password_seen_ = account_seen_ = false;
  password_masked_.clear();
  password_.clear();
  user_accepted_code_ = 0;
  greeting_seen_ = false;
  control_ = Control::cleartext;
  pairing_ = Pairing::certain;
  pending_before_gap_ = 0;
  user_lost_ = false;
}

Verdict FtpParser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  // A client that starts its TLS handshake before we saw the 234 (capture order across directions):
  // the bytes are TLS, never FTP commands.
  if (direction == core::Direction::to_server && control_ == Control::tls_requested && !lines_.detached() &&
      !lines_.framer(direction).has_partial() && !bytes.empty() && (bytes[0] == 0x16 || bytes[0] == 0x80)) {
    consumed = 0;
    control_ = Control::tls;
    finish(context);
    return Verdict::switch_to(events::Protocol::tls);
  }
  return lines_.feed(*this, direction, bytes, context, consumed);
}

Verdict FtpParser::on_client_line(const Line& line, FeedContext& context) {
  if (line.too_long) lines_.report(FtpAnomaly::request_line_too_long, context);
  if (line.text.empty() && line.terminated) return Verdict::more();  // stray CRLF
  const auto command = parse_command(line.text);
  if (!command) return lines_.malformed(*this, FtpAnomaly::request_malformed, context);
  lines_.well_formed();

  PendingCommand& slot = lines_.push_command(*this, command->verb, line.too_long, context);
  const std::string_view verb = slot.verb.view();
  const std::string_view argument = command->arguments;

  if (verb == "PASS" || verb == "ACCT") {
    const MaskedSecret masked = masker_.mask(argument);
    slot.arguments.assign(masker_.log_cleartext() ? argument : masked.view());
  } else {
    slot.arguments.assign(argument);
  }
  slot.truncated = slot.truncated || slot.arguments.truncated();
  context.sink.emit(events::ftp::Request{verb, slot.arguments.view(), slot.truncated});

  if (login_ == LoginState::user_accepted && verb != "PASS") {
    emit_login(LoginOutcome::success, user_accepted_code_, context);  // in without a password
  }
  if (verb == "PASS" && user_lost_) {
    // The USER this PASS follows may have been in the gap: never lend it an earlier user.
    if (login_ != LoginState::none && password_seen_) emit_login(LoginOutcome::unknown, 0, context);
    user_.clear();
    user_lost_ = false;
  }
  if (verb == "USER") {
    user_lost_ = false;
    if (login_ != LoginState::none && password_seen_) emit_login(LoginOutcome::unknown, 0, context);
    slot.kind = CommandKind::user;
    login_ = LoginState::user_sent;
    user_.assign(argument);
    password_seen_ = account_seen_ = false;
    password_masked_.clear();
    password_.clear();
  } else if (verb == "PASS") {
    slot.kind = CommandKind::pass;
    login_ = LoginState::password_sent;
    password_seen_ = true;
    password_masked_ = masker_.mask(argument);
    if (masker_.log_cleartext()) password_.assign(argument);
  } else if (verb == "ACCT") {
    slot.kind = CommandKind::acct;
    login_ = LoginState::account_sent;
    account_seen_ = true;
  } else if (verb == "AUTH") {
    const std::string_view mechanism = split_verb(argument).verb;
    if (istarts_with(mechanism, "TLS") || iequals(mechanism, "SSL")) slot.kind = CommandKind::auth_tls;
    if (slot.kind == CommandKind::auth_tls) control_ = Control::tls_requested;
  } else if (verb == "PORT" || verb == "EPRT" || verb == "LPRT") {
    slot.kind = CommandKind::port;
    announce_active(verb, argument, slot, context);
  } else if (verb == "PASV") {
    slot.kind = CommandKind::pasv;
  } else if (verb == "EPSV") {
    slot.kind = CommandKind::epsv;
  } else if (verb == "LPSV") {
    slot.kind = CommandKind::lpsv;
  }
  return Verdict::more();
}

void FtpParser::announce_active(std::string_view verb, std::string_view argument, PendingCommand& command,
                                FeedContext& context) {
  std::optional<HostPort> parsed;
  if (verb == "PORT") {
    parsed = parse_port_argument(argument);
  } else if (verb == "EPRT") {
    parsed = parse_eprt_argument(argument);
  } else {
    parsed = parse_lprt_argument(argument);
  }
  events::ftp::DataChannel channel;
  channel.mode = DataMode::active;
  channel.command = verb;
  channel.argument = argument;
  if (parsed) {
    set_endpoint(channel, *parsed);
    command.mode = DataMode::active;
    command.data_port = parsed->port;
  } else {
    lines_.report(FtpAnomaly::port_malformed, context);
  }
  context.sink.emit(channel);
}

Verdict FtpParser::on_server_line(const Line& line, FeedContext& context, bool& switch_now) {
  if (line.too_long) {
    lines_.report(FtpAnomaly::reply_line_too_long, context);
    reply_truncated_ = true;
  }
  const ReplyLine reply = parse_reply_line(line.text);
  if (reply_state_ == ReplyState::multi_line) {
    // Inside a multi-line reply only "<same code> " ends it; everything else is its text.
    if (reply.kind == ReplyLine::Kind::final && reply.code == multi_line_code_) {
      keep_reply_line(reply.text);
      reply_state_ = ReplyState::idle;
      on_reply(reply.code, context, switch_now);
    } else {
      keep_reply_line(reply.kind == ReplyLine::Kind::no_code || reply.code != multi_line_code_ ? line.text
                                                                                                : reply.text);
    }
    return Verdict::more();
  }
  if (line.text.empty() && line.terminated) return Verdict::more();
  if (reply.kind == ReplyLine::Kind::no_code) {
    // Not a reply: kept as text of the transaction, counted, never guessed into a code.
    keep_reply_line(line.text);
    // Text without a code is a server quirk (banners continued without "ddd-"); only binary
    // lines count towards deciding that this is not FTP at all.
    if (looks_like_text(line.text)) {
      lines_.report(FtpAnomaly::reply_code_missing, context);
      return Verdict::more();
    }
    return lines_.malformed(*this, FtpAnomaly::reply_code_missing, context);
  }
  lines_.well_formed();
  if (!reply.valid()) lines_.report(FtpAnomaly::reply_code_invalid, context);
  keep_reply_line(reply.text);
  if (reply.kind == ReplyLine::Kind::first_of_many) {
    reply_state_ = ReplyState::multi_line;
    multi_line_code_ = reply.code;
    return Verdict::more();
  }
  if (reply.code == 227 || reply.code == 228 || reply.code == 229) on_passive_reply(reply.code, reply.text, context);
  on_reply(reply.code, context, switch_now);
  return Verdict::more();
}

void FtpParser::keep_reply_line(std::string_view text) {
  ReplyBuffer* reply = reply_with_room(text.size(), 1, 0);
  if (reply == nullptr) {
    reply_truncated_ = true;
    return;
  }
  char* at = reply->text.get() + reply_text_used_;
  std::memcpy(at, text.data(), text.size());
  reply->lines.emplace_back(at, text.size());
  reply_text_used_ += text.size();
}

void FtpParser::on_passive_reply(std::uint16_t code, std::string_view text, FeedContext& context) {
  std::optional<HostPort> parsed;
  events::ftp::DataChannel channel;
  channel.mode = DataMode::passive;
  if (code == 227) {
    channel.command = "PASV";
    parsed = parse_pasv_reply(text);
  } else if (code == 228) {
    channel.command = "LPSV";
    parsed = parse_lpsv_reply(text);
  } else {
    channel.command = "EPSV";
    parsed = parse_epsv_reply(text);
  }
  channel.argument = text;
  if (parsed) {
    set_endpoint(channel, *parsed);
    if (head_answers(code)) {
      PendingCommand& command = lines_.pending().front();
      command.mode = DataMode::passive;
      command.data_port = parsed->port;
    }
  } else {
    lines_.report(FtpAnomaly::passive_reply_malformed, context);
  }
  context.sink.emit(channel);
}

void FtpParser::on_reply(std::uint16_t code, FeedContext& context, bool& switch_now) {
  if (ReplyBuffer* reply = reply_with_room(0, 0, 1)) reply->codes.push_back(code);
  // 1xx is preliminary: the command's final reply is still to come (RETR: 150 ... 226).
  if (code >= 100 && code < 200) return;
  const bool greeting = !greeting_seen_ && (code == 220 || code == 421);
  greeting_seen_ = true;
  PendingQueue& pending = lines_.pending();
  if (pending.empty() || greeting) {
    // The greeting (even when the client already sent commands), or a reply to nothing we saw.
    emit_reply(nullptr, code, context);
    return;
  }
  if (!head_answers(code)) {
    lines_.report(FtpAnomaly::reply_to_lost_command, context);
    emit_reply(nullptr, code, context);
    return;
  }
  // Paired in order (certain), or only because the code fits (after a request gap).
  const bool certain = pairing_ == Pairing::certain || pending_before_gap_ > 0;
  if (pending_before_gap_ > 0) --pending_before_gap_;
  PendingCommand& command = pending.front();
  emit_reply(&command, code, context);
  const CommandKind kind = command.kind;
  pending.pop_front();
  if (!certain && pending.empty()) pairing_ = Pairing::certain;  // caught up with the client
  if (kind == CommandKind::user || kind == CommandKind::pass || kind == CommandKind::acct) {
    on_login_reply(kind, code, certain, context);
  } else if (kind == CommandKind::auth_tls) {
    if (code == 234) {
      control_ = Control::tls;
      switch_now = true;
    } else if (control_ == Control::tls_requested) {
      control_ = Control::cleartext;  // refused: the connection stays in clear
    }
  }
}

bool FtpParser::head_answers(std::uint16_t code) const {
  const PendingQueue& pending = lines_.pending();
  if (pending.empty()) return false;
  if (pairing_ == Pairing::certain || pending_before_gap_ > 0) return true;
  return reply_fits(pending.front().kind, code);
}

void FtpParser::on_login_reply(CommandKind kind, std::uint16_t code, bool certain, FeedContext& context) {
  if (login_ == LoginState::none) return;
  const unsigned klass = code / 100;
  if (!certain && (klass == 2 || klass == 4 || klass == 5)) {
    // A fitting code is no proof it answers this command and not a lost one: say so.
    emit_login(LoginOutcome::unknown, code, context);
    return;
  }
  if (klass == 2 && kind == CommandKind::user) {
    // Accepted without a password (anonymous servers); a PASS right after still belongs to it.
    login_ = LoginState::user_accepted;
    user_accepted_code_ = code;
  } else if (klass == 2) {
    emit_login(LoginOutcome::success, code, context);
  } else if (klass == 4 || klass == 5) {
    emit_login(LoginOutcome::failure, code, context);
  }
  // 3xx (331 / 332): the next step (PASS / ACCT) decides.
}

void FtpParser::emit_reply(const PendingCommand* command, std::uint16_t code, FeedContext& context) {
  events::ftp::Reply reply;
  if (command != nullptr) {
    reply.command = command->verb.view();
    reply.command_arguments = command->arguments.view();
    reply.command_truncated = command->truncated;
    reply.mode = command->mode;
    reply.data_port = command->data_port;
  }
  reply.code = code;
  if (reply_ != nullptr) {
    reply.codes = reply_->codes;
    reply.lines = reply_->lines;
  }
  reply.reply_truncated = reply_truncated_;
  if (reply_truncated_) lines_.report(FtpAnomaly::reply_truncated, context);
  context.sink.emit(reply);
  release_reply();
  reply_truncated_ = false;
}

void FtpParser::emit_login(LoginOutcome outcome, std::uint16_t code, FeedContext& context) {
  events::ftp::Login login;
  login.user = user_.view();
  login.user_truncated = user_.truncated();
  login.password_seen = password_seen_;
  login.password_masked = password_seen_ ? password_masked_.view() : std::string_view{};
  login.password = password_.view();
  login.account_seen = account_seen_;
  login.anonymous = is_anonymous(user_.view());
  login.guest = iequals(user_.view(), "guest");
  login.outcome = outcome;
  login.reply_code = code;
  login.cleartext = control_ != Control::tls;
  context.sink.emit(login);
  login_ = LoginState::none;
  password_seen_ = account_seen_ = false;
  password_masked_.clear();
  password_.clear();
}

void FtpParser::on_unanswered(const PendingCommand& command, FeedContext& context) {
  // A command that never got a final reply: its record, without a reply.
  emit_reply(&command, 0, context);
  if (pending_before_gap_ > 0) --pending_before_gap_;
}

Verdict FtpParser::gap(core::Direction direction, std::uint64_t /*length*/, FeedContext& context) {
  lines_.gap(direction);
  if (direction == core::Direction::to_server) {
    lines_.report(FtpAnomaly::request_gap, context);
    if (pairing_ == Pairing::certain) pending_before_gap_ = lines_.pending().size();
    pairing_ = Pairing::uncertain;
    user_lost_ = true;
  }
  if (direction == core::Direction::to_client) {
    // The replies in the hole are lost: a pending login's outcome may be among them.
    reply_state_ = ReplyState::idle;
    reply_truncated_ = true;
    if (login_ != LoginState::none && password_seen_) emit_login(LoginOutcome::unknown, 0, context);
  }
  return lines_.verdict();
}

void FtpParser::finish(FeedContext& context) {
  if (lines_.detached()) return;
  lines_.flush_pending(*this, context);
  if (login_ == LoginState::user_accepted) emit_login(LoginOutcome::success, user_accepted_code_, context);
  if (login_ != LoginState::none && password_seen_) emit_login(LoginOutcome::unknown, 0, context);
}

}  // namespace spanwatch::proto::ftp
