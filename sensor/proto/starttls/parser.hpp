#pragma once
// SMTP (RFC 3207) and IMAP (RFC 3501) followed only as far as STARTTLS: when the server accepts it
// (SMTP "220" to STARTTLS, IMAP "<tag> OK" to "<tag> STARTTLS") the rest of the flow is handed to
// TLS. Nothing else is reported: in particular SMTP AUTH is not an FTP or POP3 login.
#include <cstddef>
#include <cstdint>

#include "core/counters.hpp"
#include "core/fixed_string.hpp"
#include "proto/dissector.hpp"
#include "proto/line_framer.hpp"

namespace spanwatch::proto::starttls {

struct SmtpOptions {
  std::size_t max_line = 4096;
};
struct ImapOptions {
  std::size_t max_line = 8192;
};

enum class StartTlsAnomaly : std::uint8_t { line_too_long, count_ };

class SmtpParser final : public Dissector {
 public:
  explicit SmtpParser(const SmtpOptions& options = {});

  events::Protocol protocol() const override { return events::Protocol::smtp; }
  Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) override;
  Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) override;
  void finish(FeedContext& context) override;
  void reset() override;

  const core::EnumCounters<StartTlsAnomaly>& anomalies() const { return anomalies_; }

 private:
  enum class State : std::uint8_t { commands, data, starttls_sent };

  LineFramer framers_[2];
  core::EnumCounters<StartTlsAnomaly> anomalies_;
  State state_ = State::commands;
  bool data_requested_ = false;  // DATA sent: its 354 starts the message body
};

class ImapParser final : public Dissector {
 public:
  explicit ImapParser(const ImapOptions& options = {});

  events::Protocol protocol() const override { return events::Protocol::imap; }
  Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) override;
  Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) override;
  void finish(FeedContext& context) override;
  void reset() override;

  const core::EnumCounters<StartTlsAnomaly>& anomalies() const { return anomalies_; }

 private:
  LineFramer framers_[2];
  core::EnumCounters<StartTlsAnomaly> anomalies_;
  core::FixedString<64> starttls_tag_;  // empty: no STARTTLS awaiting its answer
};

}  // namespace spanwatch::proto::starttls
