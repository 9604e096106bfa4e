// Writes one alert of each shipped rule to the file named on the command line; the schema test in
// CMakeLists.txt validates it against Suricata's EVE schema.
#include <cstdio>

#include "alert/alert_record.hpp"
#include "core/ip_address.hpp"
#include "rules/rule_evaluator.hpp"

using namespace spanwatch;

namespace {

class FileSink final : public rules::AlertSink {
 public:
  explicit FileSink(std::FILE* out) : out_(out) {}
  void on_alert(const rules::Alert& a) override {
    alert::FlowHeader header;
    header.flow_id = a.flow->flow_id;
    header.src_ip = a.flow->client_ip;
    header.dest_ip = a.flow->server_ip;
    header.src_port = a.flow->client_port;
    header.dest_port = a.flow->server_port;
    header.has_ports = true;
    header.ip_protocol = 6;
    const std::string_view line = alert::format_alert(writer_, header, a);
    std::fprintf(out_, "%.*s\n", static_cast<int>(line.size()), line.data());
  }

 private:
  alert::EveWriter writer_{alert::EveContext{"sensor", "", "sample.pcap"}};
  std::FILE* out_;
};

core::IpAddress ip(const char* text) { return *core::IpAddress::parse(text); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  std::FILE* out = std::fopen(argv[2], "w");
  if (out == nullptr) return 1;
  const auto set = rules::load_rules(argv[1]);
  rules::RuleEvaluator evaluator;
  FileSink sink(out);
  rules::FlowContext f;
  f.client_ip = ip("10.0.0.1");
  f.server_ip = ip("10.0.0.2");
  f.client_port = 40000;
  f.server_port = 445;
  f.ts.seconds = 1'700'000'000;
  auto next_flow = [&] {
    ++f.flow_id;
    ++f.ts.seconds;
    return f;
  };
  events::smb::SessionSetup failure;
  failure.status.code = 0xC000006D;
  failure.status.name = "STATUS_LOGON_FAILURE";
  const char* users[] = {"u1", "u2", "u3", "u4", "u5"};
  for (const char* user : users) {
    failure.user = user;
    evaluator.evaluate(*set, failure, next_flow(), sink);  // 9100001, 9100008
  }
  events::smb::SessionSetup success;
  success.user = "u5";
  success.status.name = "STATUS_SUCCESS";
  evaluator.evaluate(*set, success, next_flow(), sink);  // 9100009
  events::ftp::DataChannel port;
  port.mode = events::ftp::DataMode::active;
  port.command = "PORT";
  port.valid = port.has_address = true;
  port.address = ip("192.168.5.5");
  port.port = 5001;
  evaluator.evaluate(*set, port, next_flow(), sink);  // 9100002
  events::ftp::Login ftp_login;
  ftp_login.user = "alice";
  ftp_login.password_seen = true;
  evaluator.evaluate(*set, ftp_login, next_flow(), sink);  // 9100003
  events::pop3::Login pop3_login;
  pop3_login.user = "bob";
  pop3_login.secret_seen = pop3_login.secret_in_clear = true;
  evaluator.evaluate(*set, pop3_login, next_flow(), sink);  // 9100004
  pop3_login.mechanism = events::pop3::Mechanism::apop;
  pop3_login.secret_in_clear = false;
  evaluator.evaluate(*set, pop3_login, next_flow(), sink);  // 9100010
  events::tls::Handshake handshake;
  handshake.client_hello_seen = handshake.server_hello_seen = true;
  handshake.client_max_version = 0x0303;
  handshake.version = 0x0301;
  handshake.key_exchange = events::tls::KeyExchange::rsa;
  handshake.cipher_suite = 0x002f;
  handshake.cipher_name = "TLS_RSA_WITH_AES_128_CBC_SHA";
  evaluator.evaluate(*set, handshake, next_flow(), sink);  // 9100005, 9100006, 9100007
  std::fclose(out);
  return evaluator.stats().alerts == 10 ? 0 : 1;
}
