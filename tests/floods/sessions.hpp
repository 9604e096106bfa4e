#pragma once
// Ordinary sessions the flood and pathological captures carry so a test can check that detection
// still works: an SMB2 NTLMSSP logon (failing or not), an FTP login with a PORT announcing a private
// address from a public client (NAT), and a TLS 1.0 RSA handshake.
#include <array>
#include <cstdint>
#include <string_view>

#include "frame_sink.hpp"
#include "support/packet_builder.hpp"

namespace spanwatch::floods {

// splitmix64, as spanwatch-gen: a seed gives the same capture everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t next32() { return static_cast<std::uint32_t>(next() >> 32); }
  template <std::size_t N>
  std::array<std::uint8_t, N> bytes() {
    std::array<std::uint8_t, N> out{};
    for (auto& b : out) b = static_cast<std::uint8_t>(next());
    return out;
  }

 private:
  std::uint64_t state_;
};

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
