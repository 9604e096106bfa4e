#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>

#include "alert/syslog_output.hpp"
#include "eve_test_support.hpp"

using namespace spanwatch::alert;
using spanwatch::alert::testing::ip;
using spanwatch::alert::testing::ScratchDir;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Alerts numbered n: the signature says "alert n", so a receiver can check order and loss.
struct NumberedAlerts {
  std::vector<std::unique_ptr<AlertSummary>> summaries;
  std::deque<std::string> signatures;  // stable addresses: the summaries view them

  Record make(int n) {
    signatures.push_back("alert " + std::to_string(n));
    auto alert = std::make_unique<AlertSummary>();
    alert->signature_id = 9100001;
    alert->rev = 1;
    alert->severity = 2;
    alert->signature = signatures.back();
    alert->proto = "TCP";
    alert->src_ip = ip("10.0.0.1");
    alert->dest_ip = ip("10.0.0.2");
    alert->src_port = 40000;
    alert->dest_port = 445;
    summaries.push_back(std::move(alert));
    return Record{"alert", {1476605590, 0}, R"({"event_type":"alert"})", summaries.back().get()};
  }
};

void write_alerts(SyslogOutput& output, NumberedAlerts& alerts, int from, int to) {
  for (int n = from; n < to; ++n) output.write(alerts.make(n));
}

// The number in "... [1:9100001:1] alert N [Priority..." of a received message, or -1.
int alert_number(const std::string& message) {
  const auto at = message.find("] alert ");
  if (at == std::string::npos) return -1;
  return std::stoi(message.substr(at + 8));
}

std::vector<int> numbers_of(const std::vector<std::string>& messages) {
  std::vector<int> out;
  for (const auto& m : messages) out.push_back(alert_number(m));
  return out;
}

std::vector<int> range(int from, int to) {
  std::vector<int> out;
  for (int n = from; n < to; ++n) out.push_back(n);
  return out;
}

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds budget = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(5ms);
  }
  return true;
}

void run_for(asio::io_context& io, std::chrono::milliseconds time) {
  const auto deadline = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
}

// A syslog collector on TCP: accepts connections and splits octet-counted frames ("LEN SP MSG").
class TcpCollector {
 public:
  explicit TcpCollector(asio::io_context& io, std::uint16_t port = 0) : io_(io) { listen(port); }

  void listen(std::uint16_t port) {
    acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(
        io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), true);
    accept();
  }
  std::uint16_t port() const { return acceptor_->local_endpoint().port(); }
  // Closes the listener and every connection, as a collector that stops.
  void close() {
    acceptor_->close();
    for (auto& connection : connections_) connection->socket.close();
    connections_.clear();
  }

  // Closes every connection with a reset (SO_LINGER 0), as a collector that discards unread data.
  void reset_connections() {
    for (auto& connection : connections_) {
      connection->socket.set_option(asio::socket_base::linger(true, 0));
      connection->socket.close();
    }
    connections_.clear();
  }

  std::vector<std::string> messages;
  std::size_t accepted = 0;
  bool bad_frame = false;

 private:
  struct Connection {
    explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    asio::ip::tcp::socket socket;
    std::string pending;
    std::array<char, 4096> buffer{};
  };

  void accept() {
    acceptor_->async_accept([this](const boost::system::error_code& error, asio::ip::tcp::socket socket) {
      if (error) return;
      ++accepted;
      connections_.push_back(std::make_shared<Connection>(std::move(socket)));
      read(connections_.back());
      accept();
    });
  }
  void read(const std::shared_ptr<Connection>& connection) {
    connection->socket.async_read_some(asio::buffer(connection->buffer),
                                       [this, connection](const boost::system::error_code& error, std::size_t n) {
                                         if (error) return;
                                         connection->pending.append(connection->buffer.data(), n);
                                         split(*connection);
                                         read(connection);
                                       });
  }
  void split(Connection& connection) {
    for (;;) {
      const auto space = connection.pending.find(' ');
      if (space == std::string::npos) return;
      const std::string length_text = connection.pending.substr(0, space);
      if (length_text.empty() || length_text.find_first_not_of("0123456789") != std::string::npos) {
        bad_frame = true;
        connection.pending.clear();
        return;
      }
      const std::size_t length = std::stoul(length_text);
      if (connection.pending.size() < space + 1 + length) return;
      messages.push_back(connection.pending.substr(space + 1, length));
      connection.pending.erase(0, space + 1 + length);
    }
  }

  asio::io_context& io_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::vector<std::shared_ptr<Connection>> connections_;
};

template <class Socket>
std::vector<std::string> receive_datagrams(asio::io_context& io, Socket& socket, std::size_t count) {
  std::vector<std::string> out;
  std::array<char, 65536> buffer{};
  socket.non_blocking(true);
  run_until(io, [&] {
    boost::system::error_code error;
    const std::size_t n = socket.receive(asio::buffer(buffer), 0, error);
    if (!error) out.emplace_back(buffer.data(), n);
    return out.size() >= count;
  });
  return out;
}

SyslogOptions tcp_options(std::uint16_t port) {
  SyslogOptions options;
  options.enabled = true;
  options.transport = SyslogTransport::tcp;
  options.address = "127.0.0.1:" + std::to_string(port);
  options.reconnect_initial = 10ms;
  options.reconnect_max = 100ms;
  return options;
}

}  // namespace

TEST_CASE("udp: each alert is one datagram holding one RFC 5424 message in order") {
  asio::io_context io;
  asio::ip::udp::socket receiver(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  SyslogOptions options;
  options.transport = SyslogTransport::udp;
  options.address = "127.0.0.1:" + std::to_string(receiver.local_endpoint().port());
  options.hostname = "sensor1";
  SyslogOutput output(io, options);
  CHECK(output.name() == "syslog udp " + options.address);

  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 5);
  const auto messages = receive_datagrams(io, receiver, 5);
  REQUIRE(messages.size() == 5);
  CHECK(numbers_of(messages) == range(0, 5));
  CHECK(messages[0].starts_with("<170>1 2016-10-16T08:13:10.000000Z sensor1 spanwatch "));
  CHECK(messages[0].find(" ALERT [spanwatch@32473 sid=\"9100001\" rev=\"1\" severity=\"2\"") != std::string::npos);
  const OutputCounters counters = output.counters();
  CHECK(counters.written == 5);
  CHECK(counters.errors == 0);
  CHECK(counters.backlog == 0);
}

TEST_CASE("only the configured event types are sent and the wildcard sends every record") {
  asio::io_context io;
  asio::ip::udp::socket receiver(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  SyslogOptions options;
  options.transport = SyslogTransport::udp;
  options.address = "127.0.0.1:" + std::to_string(receiver.local_endpoint().port());
  const Record smb{"smb", {1476605590, 0}, R"({"event_type":"smb"})", nullptr};
  NumberedAlerts alerts;
  {
    SyslogOutput output(io, options);
    output.write(smb);
    output.write(alerts.make(1));
    CHECK(output.counters().written == 1);
  }
  options.event_types = {"*"};
  SyslogOutput every(io, options);
  every.write(smb);
  const auto messages = receive_datagrams(io, receiver, 2);
  REQUIRE(messages.size() == 2);
  CHECK(alert_number(messages[0]) == 1);
  CHECK(messages[1].find(R"( SMB - {"event_type":"smb"})") != std::string::npos);
}

TEST_CASE("a message longer than max_message_bytes is cut at a UTF-8 boundary and counted") {
  asio::io_context io;
  asio::ip::udp::socket receiver(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  SyslogOptions options;
  options.transport = SyslogTransport::udp;
  options.address = "127.0.0.1:" + std::to_string(receiver.local_endpoint().port());
  options.max_message_bytes = 200;
  SyslogOutput output(io, options);
  AlertSummary alert;
  const std::string signature = std::string(150, 'x') + "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" + std::string(200, 'y');
  alert.signature = signature;
  alert.proto = "TCP";
  output.write(Record{"alert", {0, 0}, "{}", &alert});
  const auto messages = receive_datagrams(io, receiver, 1);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].size() <= 200);
  CHECK(messages[0].size() >= 198);
  CHECK((static_cast<unsigned char>(messages[0].back()) & 0xC0) != 0xC0);  // no lead byte left dangling
  CHECK(output.truncated_messages() == 1);
  CHECK(output.counters().written == 1);
}

TEST_CASE("unix: messages reach a datagram socket and while it is gone they wait in order and beyond the backlog they overflow") {
  ScratchDir dir;
  const std::string path = dir.file("log");
  asio::io_context io;
  auto receiver = std::make_unique<asio::local::datagram_protocol::socket>(
      io, asio::local::datagram_protocol::endpoint(path));
  SyslogOptions options;
  options.address = path;
  options.backlog_records = 4;
  options.reconnect_initial = 10ms;
  options.reconnect_max = 40ms;
  SyslogOutput output(io, options);
  CHECK(output.name() == "syslog unix " + path);

  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 3);
  auto messages = receive_datagrams(io, *receiver, 3);
  CHECK(numbers_of(messages) == range(0, 3));

  // The collector goes away (as rsyslog restarting): sends fail, records wait, the newest overflow.
  receiver.reset();
  std::filesystem::remove(path);
  write_alerts(output, alerts, 3, 9);
  CHECK_FALSE(output.connected());
  OutputCounters counters = output.counters();
  CHECK(counters.backlog == 4);
  CHECK(counters.overflow == 2);
  CHECK(counters.dropped == 2);
  CHECK(counters.errors >= 1);
  CHECK_FALSE(output.drained());

  receiver = std::make_unique<asio::local::datagram_protocol::socket>(io, asio::local::datagram_protocol::endpoint(path));
  messages = receive_datagrams(io, *receiver, 4);
  CHECK(numbers_of(messages) == range(3, 7));
  CHECK(run_until(io, [&] { return output.connected(); }));
  write_alerts(output, alerts, 9, 10);
  messages = receive_datagrams(io, *receiver, 1);
  CHECK(numbers_of(messages) == std::vector<int>{9});
  counters = output.counters();
  CHECK(counters.written == 8);
  CHECK(counters.backlog == 0);
  CHECK(counters.overflow == 2);
  CHECK(output.drained());
}

TEST_CASE("tcp: messages arrive octet-counted and in order") {
  asio::io_context io;
  TcpCollector collector(io);
  SyslogOutput output(io, tcp_options(collector.port()));
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 500);  // written before the connection is up: they wait, then go
  REQUIRE(run_until(io, [&] { return collector.messages.size() >= 500; }));
  CHECK_FALSE(collector.bad_frame);
  CHECK(numbers_of(collector.messages) == range(0, 500));
  CHECK(collector.messages[0].starts_with("<170>1 2016-10-16T08:13:10.000000Z "));
  CHECK(output.connected());
  CHECK(output.counters().written == 500);
  CHECK(output.counters().backlog == 0);
  CHECK(collector.accepted == 1);
}

TEST_CASE("tcp: a collector that restarts on the same port loses nothing within the backlog and overflow beyond it is counted") {
  asio::io_context io;
  TcpCollector collector(io);
  const std::uint16_t port = collector.port();
  SyslogOptions options = tcp_options(port);
  options.backlog_records = 50;
  SyslogOutput output(io, options);
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 20);
  REQUIRE(run_until(io, [&] { return collector.messages.size() == 20; }));

  collector.close();
  REQUIRE(run_until(io, [&] { return !output.connected(); }));
  run_for(io, 50ms);  // a few refused reconnects
  write_alerts(output, alerts, 20, 80);
  OutputCounters counters = output.counters();
  CHECK(counters.backlog == 50);
  CHECK(counters.overflow == 10);
  CHECK(counters.dropped == 10);
  CHECK(counters.errors >= 1);

  collector.listen(port);
  REQUIRE(run_until(io, [&] { return collector.messages.size() >= 70; }));
  run_for(io, 20ms);
  CHECK(numbers_of(collector.messages) == range(0, 70));
  CHECK_FALSE(collector.bad_frame);
  CHECK(output.connected());
  counters = output.counters();
  CHECK(counters.written == 70);
  CHECK(counters.backlog == 0);
  CHECK(counters.overflow == 10);

  write_alerts(output, alerts, 80, 85);  // and the new connection keeps working
  REQUIRE(run_until(io, [&] { return collector.messages.size() >= 75; }));
  CHECK(alert_number(collector.messages.back()) == 84);
}

TEST_CASE("tcp: begin_stop delivers the backlog to a live peer and reports drained") {
  asio::io_context io;
  TcpCollector collector(io);
  SyslogOutput output(io, tcp_options(collector.port()));
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 100);
  output.begin_stop();
  CHECK_FALSE(output.drained());
  REQUIRE(run_until(io, [&] { return output.drained(); }));
  run_for(io, 20ms);
  CHECK(collector.messages.size() == 100);
}

TEST_CASE("tcp: with the peer down begin_stop stops reconnecting and reports drained with the backlog kept") {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    TcpCollector probe(io);  // a port nobody listens on once the probe is gone
    port = probe.port();
  }
  SyslogOutput output(io, tcp_options(port));
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 3);
  REQUIRE(run_until(io, [&] { return output.counters().errors >= 2; }));
  CHECK_FALSE(output.connected());
  output.begin_stop();
  REQUIRE(run_until(io, [&] { return output.drained(); }, 1s));
  const std::uint64_t errors = output.counters().errors;
  run_for(io, 300ms);
  CHECK(output.counters().errors == errors);  // no further attempts
  CHECK(output.counters().backlog == 3);
}

TEST_CASE("addresses with a port or a bracketed IPv6 or a name resolve and bad ones throw naming the address") {
  asio::io_context io;
  asio::ip::udp::socket receiver(io, asio::ip::udp::endpoint(asio::ip::make_address("::1"), 0));
  SyslogOptions options;
  options.transport = SyslogTransport::udp;
  options.address = "[::1]:" + std::to_string(receiver.local_endpoint().port());
  SyslogOutput v6(io, options);
  NumberedAlerts alerts;
  v6.write(alerts.make(7));
  CHECK(numbers_of(receive_datagrams(io, receiver, 1)) == std::vector<int>{7});

  TcpCollector collector(io);
  SyslogOptions named = tcp_options(collector.port());
  named.address = "localhost:" + std::to_string(collector.port());
  SyslogOutput by_name(io, named);
  by_name.write(alerts.make(8));
  REQUIRE(run_until(io, [&] { return collector.messages.size() == 1; }));
  CHECK(alert_number(collector.messages[0]) == 8);

  for (const char* bad : {"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http", "[::1", "[::1]x", ":514"}) {
    SyslogOptions wrong;
    wrong.transport = SyslogTransport::tcp;
    wrong.address = bad;
    CAPTURE(bad);
    CHECK_THROWS_WITH(SyslogOutput(io, wrong), Catch::Contains(std::string("'") + bad + "'"));
  }
  CHECK(parse_syslog_transport("unix") == SyslogTransport::unix_datagram);
  CHECK(parse_syslog_transport("tcp") == SyslogTransport::tcp);
  CHECK_FALSE(parse_syslog_transport("tls").has_value());
}

TEST_CASE("tcp: after a reset by the peer the messages written within reset_replay are sent again and older ones not") {
  asio::io_context io;
  TcpCollector collector(io);
  SyslogOptions options = tcp_options(collector.port());
  options.reset_replay = 300ms;
  SyslogOutput output(io, options);
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 10);
  REQUIRE(run_until(io, [&] { return collector.messages.size() == 10; }));
  run_for(io, 600ms);  // 0..9 are now older than the replay window
  write_alerts(output, alerts, 10, 20);
  REQUIRE(run_until(io, [&] { return collector.messages.size() == 20; }));

  collector.reset_connections();
  REQUIRE(run_until(io, [&] { return collector.messages.size() >= 30; }));
  run_for(io, 50ms);
  std::vector<int> expected = range(0, 20);
  for (int n = 10; n < 20; ++n) expected.push_back(n);
  CHECK(numbers_of(collector.messages) == expected);
  CHECK(output.replayed_messages() == 10);
  CHECK(output.counters().written == 20);  // each record counted once
  CHECK(collector.accepted == 2);
}

TEST_CASE("tcp: reset_replay 0 sends nothing again after a reset") {
  asio::io_context io;
  TcpCollector collector(io);
  SyslogOptions options = tcp_options(collector.port());
  options.reset_replay = 0ms;
  SyslogOutput output(io, options);
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 10);
  REQUIRE(run_until(io, [&] { return collector.messages.size() == 10; }));
  collector.reset_connections();
  REQUIRE(run_until(io, [&] { return !output.connected(); }));
  REQUIRE(run_until(io, [&] { return output.connected(); }));
  write_alerts(output, alerts, 10, 12);
  REQUIRE(run_until(io, [&] { return collector.messages.size() >= 12; }));
  run_for(io, 50ms);
  CHECK(numbers_of(collector.messages) == range(0, 12));
  CHECK(output.replayed_messages() == 0);
}

TEST_CASE("unix: with the socket gone begin_stop makes one last attempt and then reports drained") {
  ScratchDir dir;
  asio::io_context io;
  SyslogOptions options;
  options.address = dir.file("missing");
  SyslogOutput output(io, options);
  NumberedAlerts alerts;
  write_alerts(output, alerts, 0, 2);
  CHECK(output.counters().backlog == 2);
  CHECK_FALSE(output.drained());
  const std::uint64_t errors = output.counters().errors;
  output.begin_stop();
  CHECK(output.drained());
  CHECK(output.counters().errors == errors + 1);
}
