#pragma once
// The vocabulary between parsers and everything after them: one std::variant of small plain
// structs, each with a stable dotted name (`ftp.data_channel`) that rule files and EVE use.
// Events are facts ("a PORT announced 10.0.0.5:4000"); judgments belong to rules.
#include <string_view>
#include <variant>

#include "events/anomaly.hpp"
#include "events/ftp.hpp"
#include "events/pop3.hpp"
#include "events/smb.hpp"
#include "events/tls.hpp"

namespace spanwatch::events {

using Event = std::variant<AppAnomaly,                                                    //
                           ftp::Request, ftp::Reply, ftp::Login, ftp::DataChannel,         //
                           pop3::Request, pop3::Response, pop3::Login, pop3::StartTls,    //
                           smb::Negotiate, smb::SessionSetup, smb::TreeConnect,           //
                           tls::ClientHello, tls::ServerHello, tls::Certificate, tls::Alert,
                           tls::Handshake>;

// The event's dotted name ("ftp.login"): each struct declares `static constexpr std::string_view
// name`.
inline std::string_view name_of(const Event& event) {
  return std::visit([](const auto& e) -> std::string_view { return std::decay_t<decltype(e)>::name; }, event);
}

}  // namespace spanwatch::events
