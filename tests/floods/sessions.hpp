#pragma once
// Ordinary sessions the flood and pathological captures carry so a test can check that detection
// still works: an SMB2 NTLMSSP logon (failing or not), an FTP login with a PORT announcing a private
// address from a public client (NAT), and a TLS 1.0 RSA handshake.
#include <array>
#include <cstdint>
#include <string_view>

#include "frame_sink.hpp"
#include "support/packet_builder.hpp"
#include "tools/rng.hpp"

namespace spanwatch::floods {

// spanwatch-gen's splitmix64: a seed gives the same capture everywhere.
using Rng = tools::Rng;

template <std::size_t N>
std::array<std::uint8_t, N> random_bytes(Rng& rng) {
  std::array<std::uint8_t, N> out{};
  rng.fill(out);
  return out;
}

inline const testing::Address smb_server = testing::Address::v4(10, 20, 0, 10);
inline const testing::Address ftp_server = testing::Address::v4(10, 20, 0, 21);
inline const testing::Address tls_server = testing::Address::v4(10, 20, 0, 43);

// NEGOTIATE, SESSION_SETUP (NTLMSSP NEGOTIATE / CHALLENGE), SESSION_SETUP (AUTHENTICATE), then the
// final answer: STATUS_LOGON_FAILURE or success; the connection is closed after it.
void smb_logon(FrameSink& sink, Rng& rng, const testing::Address& client, std::uint16_t client_port,
               std::string_view user, bool succeeds);

// Banner, USER/PASS (cleartext credentials), PORT announcing `announced` (a NAT mismatch when it is
// not the client's address), 425 for the data connection, QUIT.
void ftp_login_with_port(FrameSink& sink, Rng& rng, const testing::Address& client, std::uint16_t client_port,
                         const testing::Address& announced);

// A TLS 1.0 client and server agreeing on TLS_RSA_WITH_AES_128_CBC_SHA (legacy version, no forward
// secrecy), one request and response, closed.
void tls_legacy_rsa_session(FrameSink& sink, Rng& rng, const testing::Address& client, std::uint16_t client_port);

}  // namespace spanwatch::floods
