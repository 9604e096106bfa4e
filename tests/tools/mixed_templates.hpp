#pragma once
// The payloads the mixed profile replays: built once with the protocol builders, then copied into
// frames. Each session kind has a few variants (user names, server names, key exchanges); a session
// picks one, so bytes vary without building anything per packet.
#include <array>
#include <cstdint>
#include <vector>

#include "rng.hpp"
#include "support/packet_builder.hpp"

namespace spanwatch::tools::mixed {

enum class SessionKind : std::uint8_t { tls12, tls13, ftp, pop3, smb2, dns, count_ };

// Slot numbers inside one variant, per kind.
namespace tls12_slot {
enum : std::uint8_t { client_hello, server_flight, client_finish, server_finish, request, close_alert };
}
namespace tls13_slot {
enum : std::uint8_t { client_hello, server_flight, client_finish, request, close_alert };
}
namespace ftp_slot {
enum : std::uint8_t { banner, user, need_password, pass, logged_in, login_failed, type, type_ok, port_ok, retr,
                      opening, transfer_complete, quit, goodbye };
}
namespace pop3_slot {
enum : std::uint8_t { banner, user, ok, pass, logged_in, login_failed, stat, stat_reply, retr,
                      end_of_message, quit, goodbye };
}
namespace smb2_slot {
enum : std::uint8_t { negotiate, negotiate_reply, setup_negotiate, setup_challenge, setup_authenticate,
                      logon_failure, logon_success };
}
namespace dns_slot {
enum : std::uint8_t { query, response };
}

using Variant = std::vector<testing::Frame>;

class Templates {
 public:
  explicit Templates(Rng& rng);

  std::size_t variants(SessionKind kind) const { return sets_[index(kind)].size(); }
  const Variant& variant(SessionKind kind, std::size_t i) const { return sets_[index(kind)][i]; }

 private:
  static std::size_t index(SessionKind kind) { return static_cast<std::size_t>(kind); }
  std::array<std::vector<Variant>, static_cast<std::size_t>(SessionKind::count_)> sets_;
};

}  // namespace spanwatch::tools::mixed
