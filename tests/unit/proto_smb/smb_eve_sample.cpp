// smb_eve_sample OUT.json: writes one of each smb EVE record so that the smb_eve_schema test can
// validate them against Suricata's published schema.
#include <cstdio>

#include "alert/app_record.hpp"
#include "alert/smb_record.hpp"
#include "smb_eve_records.hpp"

using namespace spanwatch;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: smb_eve_sample OUT.json\n");
    return 2;
  }
  std::FILE* out = std::fopen(argv[1], "w");
  if (!out) return 1;
  alert::FlowHeader flow;
  flow.flow_id = 1234567;
  flow.src_ip = core::IpAddress::parse("192.168.199.132").value_or(core::IpAddress{});
  flow.dest_ip = core::IpAddress::parse("192.168.199.133").value_or(core::IpAddress{});
  flow.src_port = 49670;
  flow.dest_port = 445;
  flow.has_ports = true;
  flow.ip_protocol = 6;
  alert::EveWriter writer;
  const auto write = [&](const auto& event) {
    writer.begin(alert::eve_event_type(event), core::Timestamp{1476605590, 446897000}, &flow);
    alert::write_eve_object(writer, event);
    const std::string_view line = writer.end();
    std::fprintf(out, "%.*s\n", static_cast<int>(line.size()), line.data());
  };
  write(proto::smb::test::sample_session_setup());
  write(proto::smb::test::sample_unanswered_setup());
  write(proto::smb::test::sample_kerberos_setup());
  write(proto::smb::test::sample_smb1_setup());
  write(proto::smb::test::sample_negotiate());
  write(proto::smb::test::sample_tree_connect());
  return std::fclose(out) == 0 ? 0 : 1;
}
