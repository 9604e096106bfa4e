#pragma once
// The captures spanwatch-gen-flood writes. Each returns the packets written.
#include <cstdint>
#include <string>

namespace spanwatch::floods {

struct FloodSpec {
  std::uint64_t flows = 1000000;  // flood flows: SYNs (even) and UDP datagrams (odd), one packet each
  bool flood = true;              // false: the brute force alone (the control capture)
  std::int64_t duration_ns = 20LL * 1000000000LL;  // capture time the flood is spread over
  int failed_logons = 6;          // rule 9100001 needs 5 within 60 s
  std::uint64_t seed = 1;
};

// A SYN flood to the SMB server and a random-port UDP flood from spoofed 100.64.0.0/10 sources,
// interleaved in time with an SMB2 NTLMSSP brute force from 10.20.5.77 (STATUS_LOGON_FAILURE).
std::uint64_t write_flood(const std::string& path, const FloodSpec& spec);

// One FTP control connection (anonymous login) carrying `commands` NOOP/CWD/PORT commands pipelined
// 64 at a time, each answered; then an ordinary login with a NAT-mismatched PORT from another client.
std::uint64_t write_ftp_commands(const std::string& path, std::uint64_t commands, std::uint64_t seed);

// One SMB2 connection with `requests` SESSION_SETUP requests that are never answered; then an
// ordinary brute force (6 failed logons) from another client.
std::uint64_t write_smb_outstanding(const std::string& path, std::uint64_t requests, std::uint64_t seed);

// One TLS connection whose ClientHello claims `length` bytes (at most 2^24 - 1) and sends them in
// 16 KiB handshake records; then an ordinary TLS 1.0 RSA session from another client.
std::uint64_t write_tls_huge_client_hello(const std::string& path, std::uint32_t length, std::uint64_t seed);

}  // namespace spanwatch::floods
