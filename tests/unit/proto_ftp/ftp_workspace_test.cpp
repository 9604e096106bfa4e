// The FTP parsers of a worker share one workspace: each holds a line buffer, pending-command entries
// or a transaction's reply text only while it uses them, and sharing changes no event.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/ftp/parser.hpp"
#include "proto/ftp/workspace.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::core::Direction;
using spanwatch::proto::ftp::FtpOptions;
using spanwatch::proto::ftp::FtpParser;
using spanwatch::proto::ftp::FtpWorkspace;

namespace {

using Session = SessionOf<FtpParser>;

FtpOptions shared_options() { return options_with_shared_workspace<FtpOptions>(); }

}  // namespace

TEST_CASE("an FTP parser holds one pending-command entry per command awaiting its reply") {
  const auto events = check_pending_entries<FtpParser>(shared_options(), server("220 ready\r\n"),
                                                      server("331 go on\r\n"), server("530 no\r\n"));
  CHECK(matching(events, "ftp.reply") ==
        std::vector<std::string>{"ftp.reply  [] code=220 codes=220, lines=<ready> mode=none port=0",
                                 "ftp.reply USER [joe] code=331 codes=331, lines=<go on> mode=none port=0",
                                 "ftp.reply PASS [" + masked("x") + "] code=530 codes=530, lines=<no> mode=none port=0"});
}

TEST_CASE("pipelined FTP commands beyond max_pending_commands report the oldest unanswered and reuse its entry") {
  FtpOptions options = shared_options();
  options.max_pending_commands = 2;
  options.workspace = std::make_shared<FtpWorkspace>(options);
  Session s(options);
  s.feed(client("NOOP\r\nSYST\r\nPWD\r\n"));
  CHECK(options.workspace->pending.in_use() == 2);
  CHECK(options.workspace->pending.created() == 2);
  s.feed(server("215 UNIX\r\n257 \"/\"\r\n"));
  CHECK(options.workspace->pending.in_use() == 0);
  CHECK(matching(s.sink.lines, "ftp.reply") ==
        std::vector<std::string>{"ftp.reply NOOP [] code=0 codes= lines= mode=none port=0",
                                 "ftp.reply SYST [] code=215 codes=215, lines=<UNIX> mode=none port=0",
                                 "ftp.reply PWD [] code=257 codes=257, lines=<\"/\"> mode=none port=0"});
  CHECK(matching(s.sink.lines, "anomaly") == std::vector<std::string>{"anomaly ftp.too_many_pending_commands"});
}

TEST_CASE("an FTP parser holds reply text only until the transaction's final reply") {
  const FtpOptions options = shared_options();
  Session s(options);
  s.feed(client("RETR a\r\n"));
  s.feed(server("150 opening\r\n"));  // preliminary: the transaction goes on
  CHECK(options.workspace->short_replies.in_use() == 1);
  s.feed(server("226-done\r\n"));
  CHECK(options.workspace->short_replies.in_use() == 1);
  s.feed(server("226 bye\r\n"));
  CHECK(options.workspace->short_replies.in_use() == 0);
  CHECK(matching(s.sink.lines, "ftp.reply") ==
        std::vector<std::string>{"ftp.reply RETR [a] code=226 codes=150,226, lines=<opening><done><bye> mode=none port=0"});
  s.feed(client("NOOP\r\n"));
  s.feed(server("200-a\r\n"));
  s.parser.reset();
  CHECK(options.workspace->short_replies.in_use() == 0);
  CHECK(options.workspace->short_replies.created() == 1);
  CHECK(options.workspace->full_replies.created() == 0);
}

TEST_CASE("an FTP reply that outgrows its short buffer moves to a full-size one with every line and code") {
  const FtpOptions options = shared_options();
  Session s(options);
  std::string banner = "220-";
  std::string expected_lines;
  for (int i = 0; i < 8; ++i) {
    const std::string line = "line " + std::to_string(i) + " " + std::string(40, static_cast<char>('a' + i));
    banner += line + "\r\n";
    expected_lines += "<" + line + ">";
  }
  banner += "220 ready\r\n";
  expected_lines += "<ready>";
  const std::size_t cut = banner.size() * 3 / 4;  // past a short buffer: five lines, ~250 bytes
  s.feed(server(banner.substr(0, cut)));
  CHECK(options.workspace->short_replies.in_use() == 0);  // given back when outgrown
  CHECK(options.workspace->full_replies.in_use() == 1);
  s.feed(server(banner.substr(cut)));
  CHECK(options.workspace->full_replies.in_use() == 0);
  CHECK(matching(s.sink.lines, "ftp.reply") ==
        std::vector<std::string>{"ftp.reply  [] code=220 codes=220, lines=" + expected_lines + " mode=none port=0"});
  s.feed(client("RETR a\r\n"));  // five codes: more than a short buffer holds
  s.feed(server("150 a\r\n150 b\r\n150 c\r\n150 d\r\n226 e\r\n"));
  CHECK(matching(s.sink.lines, "ftp.reply").back() ==
        "ftp.reply RETR [a] code=226 codes=150,150,150,150,226, lines=<a><b><c><d><e> mode=none port=0");
  CHECK(options.workspace->short_replies.created() == 1);  // each transaction starts short
  CHECK(options.workspace->full_replies.created() == 1);  // reused
  CHECK(options.workspace->short_replies.in_use() + options.workspace->full_replies.in_use() == 0);
}

TEST_CASE("an FTP parser holds a line buffer only while a line is split across segments") {
  const FtpOptions options = shared_options();
  Session a(options), b(options);
  a.feed(client("US"));
  b.feed(server("220 re"));
  CHECK(options.workspace->lines->in_use() == 2);
  a.feed(client("ER joe\r\n"));
  CHECK(options.workspace->lines->in_use() == 1);
  b.gap(Direction::to_client, 5);
  CHECK(options.workspace->lines->in_use() == 0);
  CHECK(options.workspace->lines->created() == 2);
  CHECK(matching(a.sink.lines, "ftp.request") == std::vector<std::string>{"ftp.request USER [joe]"});
}

TEST_CASE("FTP parsers interleaved on one workspace report what each would alone") {
  const std::vector<Message> one = {server("220-Welcome\r\n220 ready\r\n"), client("USER joe\r\n"),
                                    server("331 pw\r\n"), client("PASS secret\r\n"), server("230 ok\r\n"),
                                    client("PASV\r\n"), server("227 Entering (10,0,0,1,4,1)\r\n"),
                                    client("QUIT\r\n"), server("221 bye\r\n")};
  const std::vector<Message> two = {server("220 hi\r\n"), client("USER anonymous\r\nPASS a@b\r\nSYST\r\n"),
                                    server("331 ok\r\n230 in\r\n215 UNIX\r\n"), client("RETR x\r\n"),
                                    server("150 go\r\n226 done\r\n")};
  const FtpOptions options = shared_options();
  const auto [events_one, events_two] = check_interleaved<FtpParser>(options, one, two);
  CHECK(matching(events_one, "ftp.login").size() == 1);
  CHECK(options.workspace->lines->in_use() == 0);
  CHECK(options.workspace->pending.in_use() == 0);
  CHECK(options.workspace->short_replies.in_use() == 0);
  CHECK(options.workspace->full_replies.in_use() == 0);
}
