#include "proto/starttls/parser.hpp"

namespace spanwatch::proto::starttls {
namespace {

void report_too_long(core::EnumCounters<StartTlsAnomaly>& counters, events::Protocol protocol, FeedContext& context) {
  counters.add(StartTlsAnomaly::line_too_long);
  context.sink.emit(events::AppAnomaly{protocol, protocol == events::Protocol::smtp ? "smtp.line_too_long"
                                                                                     : "imap.line_too_long"});
}

}  // namespace

SmtpParser::SmtpParser(const SmtpOptions& options)
    : framers_{LineFramer(options.max_line), LineFramer(options.max_line)} {}

void SmtpParser::reset() {
  for (auto& framer : framers_) framer.reset();
  anomalies_ = {};
  state_ = State::commands;
  data_requested_ = false;
}

Verdict SmtpParser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  consumed = bytes.size();
  LineFramer& framer = framers_[core::index_of(direction)];
  std::size_t offset = 0;
  Line line;
  while (framer.next(bytes, offset, line)) {
    if (line.too_long) report_too_long(anomalies_, events::Protocol::smtp, context);
    if (direction == core::Direction::to_server) {
      if (state_ == State::data) {
        if (line.text == ".") state_ = State::commands;  // end of the message body
        continue;
      }
      const std::string_view verb = split_verb(line.text).verb;
      if (iequals(verb, "STARTTLS")) {
        state_ = State::starttls_sent;
      } else if (iequals(verb, "DATA")) {
        data_requested_ = true;
      }
      continue;
    }
    // Server replies: only the final line ("ddd ") of a reply counts.
    const std::string_view text = line.text;
    if (text.size() < 3 || (text.size() > 3 && text[3] != ' ')) continue;
    const std::string_view code = text.substr(0, 3);
    if (state_ == State::starttls_sent) {
      if (code == "220") {
        consumed = offset;
        return Verdict::switch_to(events::Protocol::tls);
      }
      state_ = State::commands;  // refused: the session goes on in clear
    } else if (data_requested_) {
      data_requested_ = false;
      if (code == "354") state_ = State::data;
    }
  }
  return Verdict::more();
}

Verdict SmtpParser::gap(core::Direction direction, std::uint64_t /*length*/, FeedContext& /*context*/) {
  framers_[core::index_of(direction)].gap();
  return Verdict::more();
}

void SmtpParser::finish(FeedContext& /*context*/) {}

ImapParser::ImapParser(const ImapOptions& options)
    : framers_{LineFramer(options.max_line), LineFramer(options.max_line)} {}

void ImapParser::reset() {
  for (auto& framer : framers_) framer.reset();
  anomalies_ = {};
  starttls_tag_.clear();
}

Verdict ImapParser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  consumed = bytes.size();
  LineFramer& framer = framers_[core::index_of(direction)];
  std::size_t offset = 0;
  Line line;
  while (framer.next(bytes, offset, line)) {
    if (line.too_long) report_too_long(anomalies_, events::Protocol::imap, context);
    const VerbAndRest tagged = split_verb(line.text);
    if (direction == core::Direction::to_server) {
      if (iequals(split_verb(tagged.rest).verb, "STARTTLS") && !tagged.verb.empty()) starttls_tag_.assign(tagged.verb);
      continue;
    }
    if (starttls_tag_.empty() || tagged.verb != starttls_tag_.view()) continue;
    const std::string_view status = split_verb(tagged.rest).verb;
    starttls_tag_.clear();
    if (iequals(status, "OK")) {
      consumed = offset;
      return Verdict::switch_to(events::Protocol::tls);
    }
  }
  return Verdict::more();
}

Verdict ImapParser::gap(core::Direction direction, std::uint64_t /*length*/, FeedContext& /*context*/) {
  framers_[core::index_of(direction)].gap();
  return Verdict::more();
}

void ImapParser::finish(FeedContext& /*context*/) {}

}  // namespace spanwatch::proto::starttls
