// The POP3 parsers of a worker share one workspace: each holds a line buffer, pending-command
// entries or a listing only while it uses them, and sharing changes no event.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "line_test_support.hpp"
#include "proto/pop3/parser.hpp"
#include "proto/pop3/workspace.hpp"

using namespace spanwatch::proto::testing;
using spanwatch::core::Direction;
using spanwatch::proto::pop3::Pop3Options;
using spanwatch::proto::pop3::Pop3Parser;

namespace {

using Session = SessionOf<Pop3Parser>;

Pop3Options shared_options() { return options_with_shared_workspace<Pop3Options>(); }

}  // namespace

TEST_CASE("a POP3 parser holds one pending-command entry per command awaiting its response") {
  const auto events = check_pending_entries<Pop3Parser>(shared_options(), server("+OK ready\r\n"),
                                                       server("+OK\r\n"), server("-ERR no\r\n"));
  CHECK(matching(events, "pop3.response") ==
        std::vector<std::string>{"pop3.response  [] +OK <ready> data= lines=0",
                                 "pop3.response USER [joe] +OK <> data= lines=0",
                                 "pop3.response PASS [" + masked("x") + "] -ERR <no> data= lines=0"});
}

TEST_CASE("a POP3 parser holds a line buffer only while a line is split across segments") {
  const Pop3Options options = shared_options();
  Session a(options), b(options);
  a.feed(client("US"));
  b.feed(client("CA"));
  CHECK(options.workspace->lines->in_use() == 2);
  a.feed(client("ER joe\r\nPA"));  // the split line is delivered, the next one starts split
  CHECK(options.workspace->lines->in_use() == 2);
  a.feed(client("SS x\r\n"));
  CHECK(options.workspace->lines->in_use() == 1);
  b.feed(client("PA\r\n"));
  CHECK(options.workspace->lines->in_use() == 0);
  CHECK(options.workspace->lines->created() == 2);
  CHECK(matching(a.sink.lines, "pop3.request") ==
        std::vector<std::string>{"pop3.request USER [joe]", "pop3.request PASS [" + masked("x") + "]"});
  CHECK(matching(b.sink.lines, "pop3.request") == std::vector<std::string>{"pop3.request CAPA []"});
  a.feed(server("+OK rea"));
  a.gap(Direction::to_client, 10);  // a gap drops the partial line and its buffer
  CHECK(options.workspace->lines->in_use() == 0);
}

TEST_CASE("a POP3 listing's kept lines are taken from the workspace and given back with its response") {
  const Pop3Options options = shared_options();
  Session s(options);
  s.feed(client("CAPA\r\n"));
  s.feed(server("+OK\r\nUSER\r\n"));
  CHECK(options.workspace->listings.in_use() == 1);
  s.feed(server("SASL PLAIN\r\n.\r\n"));
  CHECK(options.workspace->listings.in_use() == 0);
  CHECK(matching(s.sink.lines, "pop3.response") ==
        std::vector<std::string>{"pop3.response CAPA [] +OK <> data=<USER><SASL PLAIN> lines=2"});
  s.feed(client("CAPA\r\n"));
  s.feed(server("+OK\r\nTOP\r\n"));
  s.parser.reset();
  CHECK(options.workspace->listings.in_use() == 0);
  CHECK(options.workspace->listings.created() == 1);
}

TEST_CASE("POP3 parsers interleaved on one workspace report what each would alone") {
  const std::vector<Message> one = {server("+OK ready\r\n"), client("AUTH PLAIN\r\n"), server("+ \r\n"),
                                    client("AHVzZXIAcGFzcw==\r\n"), server("+OK\r\n"), client("LIST\r\n"),
                                    server("+OK 2\r\n1 10\r\n2 20\r\n.\r\n"), client("QUIT\r\n"), server("+OK\r\n")};
  const std::vector<Message> two = {server("+OK hi\r\n"), client("CAPA\r\nUSER bob\r\n"),
                                    server("+OK\r\nUIDL\r\n.\r\n+OK\r\n"), client("PASS pw\r\n"),
                                    server("-ERR bad\r\n")};
  const Pop3Options options = shared_options();
  const auto [events_one, events_two] = check_interleaved<Pop3Parser>(options, one, two);
  CHECK(matching(events_one, "pop3.login").size() == 1);
  CHECK(options.workspace->lines->in_use() == 0);
  CHECK(options.workspace->pending.in_use() == 0);
  CHECK(options.workspace->listings.in_use() == 0);
}
