#pragma once
// The sessions behind the shipped detections (and their negative controls), as Scripts. Options
// change what the application bytes look like (address family, ports, verb case, pipelining); how the
// bytes reach the wire is the Technique's business.
#include <cstdint>
#include <string>
#include <vector>

#include "session_script.hpp"

namespace spanwatch::evasion {

struct ScenarioOptions {
  bool ipv6 = false;
  bool unusual_ports = false;  // FTP 2121, POP3 1110, TLS 8443, SMB 139 behind a NetBIOS session request
  bool mixed_case = false;     // uSeR, pAsS, PoRt, aUtH
  bool pipelined = false;      // each side's consecutive lines in one segment
};

struct Scenario {
  std::string name;
  std::string protocol;  // ftp, pop3, smb, tls
  std::vector<Script> connections;
  std::vector<std::uint32_t> sids;             // what the shipped rules raise on these sessions
  std::vector<std::uint32_t> sids_with_decoy;  // when the parser sees the critical messages' decoys
  // Text an app-layer EVE record must contain (a "key":value pair) that tells which copy of the
  // critical message the parser read; empty: not checked.
  std::string evidence;
  std::string evidence_with_decoy;
};

// Every detection case and negative control, in a fixed order.
std::vector<Scenario> all_scenarios(const ScenarioOptions& options);

}  // namespace spanwatch::evasion
