#pragma once
// Shared by the FTP, POP3 and line tests: a sink that copies every event into a line of text (the
// views die after emit), and a driver that feeds a conversation whole, byte by byte, or split at
// every offset, so a test can require the same events from all three (STYLE.md #14).
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "events/event_sink.hpp"
#include "proto/credentials.hpp"
#include "proto/dissector.hpp"

namespace spanwatch::proto::testing {

inline std::string text_of(const core::IpAddress& a) {
  char buffer[core::IpAddress::text_size];
  return std::string(a.to_chars(buffer));
}

inline std::string describe(const events::Event& event) {
  std::ostringstream out;
  out << events::name_of(event);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::AppAnomaly>) {
          out << " " << e.event;
        } else if constexpr (std::is_same_v<T, events::ftp::Request> || std::is_same_v<T, events::pop3::Request>) {
          out << " " << e.command << " [" << e.arguments << "]" << (e.truncated ? " truncated" : "");
        } else if constexpr (std::is_same_v<T, events::ftp::Reply>) {
          out << " " << e.command << " [" << e.command_arguments << "] code=" << e.code << " codes=";
          for (auto c : e.codes) out << c << ",";
          out << " lines=";
          for (auto l : e.lines) out << "<" << l << ">";
          out << " mode=" << events::ftp::name_of(e.mode) << " port=" << e.data_port
              << (e.reply_truncated ? " truncated" : "");
        } else if constexpr (std::is_same_v<T, events::ftp::Login>) {
          out << " user=" << e.user << " password_seen=" << e.password_seen << " masked=" << e.password_masked
              << " clear=" << e.password << " anonymous=" << e.anonymous << " guest=" << e.guest
              << " outcome=" << events::ftp::name_of(e.outcome) << " code=" << e.reply_code
              << " account=" << e.account_seen;
        } else if constexpr (std::is_same_v<T, events::ftp::DataChannel>) {
          out << " " << events::ftp::name_of(e.mode) << " " << e.command << " valid=" << e.valid;
          if (e.valid) out << " " << (e.has_address ? text_of(e.address) : "-") << ":" << e.port;
        } else if constexpr (std::is_same_v<T, events::pop3::Response>) {
          out << " " << e.command << " [" << e.command_arguments << "] " << events::pop3::name_of(e.status) << " <"
              << e.header << "> data=";
          for (auto l : e.data) out << "<" << l << ">";
          out << " lines=" << e.data_lines << (e.data_truncated ? " truncated" : "");
        } else if constexpr (std::is_same_v<T, events::pop3::Login>) {
          out << " " << e.mechanism_name << " user=" << e.user << " secret_seen=" << e.secret_seen
              << " in_clear=" << e.secret_in_clear << " masked=" << e.secret_masked << " clear=" << e.secret
              << " outcome=" << events::pop3::name_of(e.outcome) << " cleartext=" << e.cleartext;
        } else if constexpr (std::is_same_v<T, events::pop3::StartTls>) {
          out << " accepted=" << e.accepted;
        }
      },
      event);
  return out.str();
}

class RecordingSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override { lines.push_back(describe(event)); }
  std::vector<std::string> lines;
};

struct Message {
  core::Direction direction;
  std::string bytes;
};

inline Message client(std::string text) { return {core::Direction::to_server, std::move(text)}; }
inline Message server(std::string text) { return {core::Direction::to_client, std::move(text)}; }

// Feeds `pieces` of each message (a message cut at the given sizes); a verdict other than more
// is logged ("verdict switch tls at N" with N the message offset where the next protocol starts)
// and ends the conversation. finish() runs at the end unless the parser stopped or switched.
inline std::vector<std::string> run(Dissector& parser, const std::vector<Message>& conversation,
                                    std::size_t split_message = SIZE_MAX, std::size_t split_at = 0,
                                    bool byte_by_byte = false) {
  parser.reset();
  RecordingSink sink;
  FeedContext context{sink, core::Timestamp{}};
  for (std::size_t m = 0; m < conversation.size(); ++m) {
    const core::Bytes all = core::as_bytes(conversation[m].bytes);
    std::vector<core::Bytes> pieces;
    if (byte_by_byte) {
      for (std::size_t i = 0; i < all.size(); ++i) pieces.push_back(all.subspan(i, 1));
    } else if (m == split_message && split_at > 0 && split_at < all.size()) {
      pieces = {all.subspan(0, split_at), all.subspan(split_at)};
    } else {
      pieces = {all};
    }
    std::size_t base = 0;
    for (core::Bytes piece : pieces) {
      std::size_t consumed = 0;
      const Verdict v = parser.feed(conversation[m].direction, piece, context, consumed);
      if (v.want == Verdict::Want::switch_protocol) {
        sink.lines.push_back("verdict switch " + std::string(events::name_of(v.next)) + " at " +
                             std::to_string(base + consumed));
        return sink.lines;
      }
      if (v.want == Verdict::Want::stop) {
        sink.lines.push_back("verdict stop");
        return sink.lines;
      }
      base += piece.size();
    }
  }
  parser.finish(context);
  return sink.lines;
}

// The events of feeding the conversation whole; REQUIREs that byte-by-byte and every split give
// the same.
template <class Check>
std::vector<std::string> run_all_ways(Dissector& parser, const std::vector<Message>& conversation, Check&& check) {
  const std::vector<std::string> whole = run(parser, conversation);
  check(run(parser, conversation, SIZE_MAX, 0, true) == whole, "byte by byte");
  for (std::size_t m = 0; m < conversation.size(); ++m)
    for (std::size_t at = 1; at < conversation[m].bytes.size(); ++at)
      check(run(parser, conversation, m, at) == whole, "split");
  return whole;
}

// The test key every line-protocol test masks secrets with, so expected masks are stable.
inline constexpr std::string_view test_mask_key = "test-key";

template <class Options>
Options options_with_test_key() {
  Options options;
  options.credentials.mask_key = std::string(test_mask_key);
  return options;
}

// Options whose parsers share one worker workspace (FtpWorkspace, Pop3Workspace), as the engine's.
template <class Options>
Options options_with_shared_workspace() {
  Options options = options_with_test_key<Options>();
  options.workspace = std::make_shared<typename decltype(Options::workspace)::element_type>(options);
  return options;
}

// One parser with its own sink, driven by hand: fed message by message, told of gaps, finished
// (several of them may share a workspace).
template <class Parser>
struct SessionOf {
  template <class Options>
  explicit SessionOf(const Options& options) : parser(options) {}
  void feed(const Message& message) {
    std::size_t consumed = 0;
    parser.feed(message.direction, core::as_bytes(message.bytes), context, consumed);
  }
  void client(std::string text) { feed(testing::client(std::move(text))); }
  void server(std::string text) { feed(testing::server(std::move(text))); }
  void gap(core::Direction direction, std::uint64_t length) { parser.gap(direction, length, context); }
  // The events so far, after finish().
  std::vector<std::string> finish() {
    parser.finish(context);
    return sink.lines;
  }
  Parser parser;
  RecordingSink sink;
  FeedContext context{sink, core::Timestamp{}};
};

// Three parsers on the workspace of `options` (shared) hold a pending-command entry exactly while a
// command awaits its answer, reuse the entries, and give them back on reset() and destruction. The
// server sends `greeting`, answers USER with `to_user` and PASS with `to_pass`. Returns the events of
// the second session.
template <class Parser, class Options>
std::vector<std::string> check_pending_entries(const Options& options, const Message& greeting, const Message& to_user,
                                               const Message& to_pass) {
  auto& pools = *options.workspace;
  std::vector<std::unique_ptr<SessionOf<Parser>>> sessions;
  for (int i = 0; i < 3; ++i) sessions.push_back(std::make_unique<SessionOf<Parser>>(options));
  for (auto& s : sessions) s->feed(greeting);
  CHECK(pools.pending.created() == 0);
  for (auto& s : sessions) s->client("USER joe\r\nPASS x\r\n");
  CHECK(pools.pending.in_use() == 6);
  for (auto& s : sessions) s->feed(to_user);
  CHECK(pools.pending.in_use() == 3);  // each PASS still awaits its answer
  for (auto& s : sessions) s->feed(to_pass);
  CHECK(pools.pending.in_use() == 0);
  for (auto& s : sessions) s->client("USER ann\r\n");
  CHECK(pools.pending.created() == 6);  // reused, not grown
  sessions[0]->parser.reset();
  CHECK(pools.pending.in_use() == 2);
  sessions.pop_back();  // a parser destroyed mid-exchange gives its entries back too
  CHECK(pools.pending.in_use() == 1);
  return sessions[1]->sink.lines;
}

// Two parsers on the workspace of `shared` fed `one` and `two`, every message cut in two and the
// halves of both sessions alternating, so both hold pieces at once. CHECKs that each reports what a
// parser of its own would; returns both sessions' events.
template <class Parser, class Options>
std::pair<std::vector<std::string>, std::vector<std::string>> check_interleaved(const Options& shared,
                                                                                const std::vector<Message>& one,
                                                                                const std::vector<Message>& two) {
  Parser alone(options_with_test_key<Options>());
  const auto expected_one = run(alone, one);
  const auto expected_two = run(alone, two);
  SessionOf<Parser> a(shared), b(shared);
  for (std::size_t m = 0; m < std::max(one.size(), two.size()); ++m) {
    for (int half = 0; half < 2; ++half) {
      for (auto [session, conversation] : {std::pair{&a, &one}, std::pair{&b, &two}}) {
        if (m >= conversation->size()) continue;
        const Message& message = (*conversation)[m];
        const std::size_t cut = message.bytes.size() / 2;
        session->feed({message.direction, half == 0 ? message.bytes.substr(0, cut) : message.bytes.substr(cut)});
      }
    }
  }
  std::pair events{a.finish(), b.finish()};
  CHECK(events.first == expected_one);
  CHECK(events.second == expected_two);
  return events;
}

// A parser's events, fed whole, byte by byte and split at every offset (all must agree).
template <class Parser, class Options>
std::vector<std::string> events_all_ways(const std::vector<Message>& conversation, const Options& options) {
  Parser parser(options);
  return run_all_ways(parser, conversation, [](bool same, const char* how) {
    INFO(how);
    CHECK(same);
  });
}

inline std::vector<std::string> matching(const std::vector<std::string>& events, std::string_view prefix) {
  std::vector<std::string> out;
  std::copy_if(events.begin(), events.end(), std::back_inserter(out),
               [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
  return out;
}

inline std::string masked(std::string_view secret) {
  CredentialOptions credentials;
  credentials.mask_key = std::string(test_mask_key);
  return std::string(SecretMasker(credentials).mask(secret).view());
}

}  // namespace spanwatch::proto::testing
