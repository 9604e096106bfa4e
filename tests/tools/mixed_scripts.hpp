#pragma once
// The mixed profile's session scripts: each kind of session as a fixed list of steps (handshake, a
// template payload, a bulk transfer, teardown), so a session is only a position in a script.
#include <cstdint>
#include <vector>

#include "mixed_templates.hpp"

namespace spanwatch::tools::mixed {

enum class StepKind : std::uint8_t {
  syn,
  syn_ack,
  ack,
  data,          // a template payload, cut into segments
  session_line,  // the session's own line (FTP PORT/EPRT, POP3 RETR reply)
  bulk,          // a transfer of the session's bulk size, with receiver ACKs
  fin,
  rst,
  udp,  // one datagram carrying a template payload
};
enum class Peer : std::uint8_t { initiator, responder };
enum class BulkStyle : std::uint8_t { tls_records, binary, text };

struct Step {
  StepKind kind;
  Peer from;
  std::uint8_t channel = 0;  // 0 the main connection, 1 the FTP data connection
  std::uint8_t slot = 0;     // template slot (data, udp) or BulkStyle (bulk)
};

struct Script {
  SessionKind kind;
  std::vector<Step> steps;
};

enum class ScriptId : std::uint8_t { tls12, tls12_reset, tls13, ftp, ftp_failed, pop3, pop3_failed, smb2, smb2_failed,
                                     dns, count_ };

// Indexed by ScriptId.
std::vector<Script> make_scripts();

// Share of new sessions per script, in 1/1000, indexed by ScriptId.
inline constexpr std::uint32_t script_weights[static_cast<std::size_t>(ScriptId::count_)] = {380, 20, 220, 50, 10,
                                                                                            65,  15, 30,  30, 180};

}  // namespace spanwatch::tools::mixed
