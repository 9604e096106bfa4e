#pragma once
// Hand-built EVE lines, shaped like the sensor's own records (see tests/e2e/demo_alerts_test.py).
#include <cstdint>
#include <string>

namespace spanwatch::report::test {

inline std::string header(const std::string& type, const std::string& time, std::uint64_t flow, const std::string& src,
                          int sport, const std::string& dst, int dport) {
  return R"({"timestamp":"2024-03-01T)" + time + R"(+0000","flow_id":)" + std::to_string(flow) +
         R"(,"event_type":")" + type + R"(","src_ip":")" + src + R"(","src_port":)" + std::to_string(sport) +
         R"(,"dest_ip":")" + dst + R"(","dest_port":)" + std::to_string(dport) + R"(,"proto":"TCP")";
}

inline std::string alert(const std::string& time, std::uint64_t flow, const std::string& src, const std::string& dst,
                         int dport, std::uint32_t sid, int severity, const std::string& metadata,
                         const std::string& app_proto, const std::string& extra = "") {
  return header("alert", time, flow, src, 50000, dst, dport) + R"(,"alert":{"action":"allowed","gid":1,"signature_id":)" +
         std::to_string(sid) + R"(,"rev":1,"signature":"Rule )" + std::to_string(sid) +
         R"(","category":"Test","severity":)" + std::to_string(severity) + R"(,"metadata":{)" + metadata +
         R"(}},"app_proto":")" + app_proto + "\"" + extra + "}";
}

inline std::string smb_setup(const std::string& time, std::uint64_t flow, const std::string& src, const std::string& user,
                             const std::string& status) {
  return header("smb", time, flow, src, 49000, "10.0.0.10", 445) +
         R"(,"smb":{"command":"SMB2_COMMAND_SESSION_SETUP","status":")" + status +
         R"(","ntlmssp":{"domain":"CORP","user":")" + user + R"(","host":"WS1"}}})";
}

inline std::string stats(const std::string& time, const std::string& host, std::uint64_t packets, std::uint64_t flows,
                         std::uint64_t drops) {
  return R"({"timestamp":"2024-03-01T)" + time + R"(+0000",)" + (host.empty() ? "" : R"("host":")" + host + "\",") +
         R"("event_type":"stats","stats":{"decoder":{"pkts":)" + std::to_string(packets) + R"(,"bytes":)" +
         std::to_string(packets * 100) + R"(},"flow":{"total":)" + std::to_string(flows) +
         R"(},"capture":{"kernel_drops":)" + std::to_string(drops) + "}}}";
}

}  // namespace spanwatch::report::test
