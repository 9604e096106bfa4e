#pragma once
// The address of a network output's peer (syslog collector, Redis server): "host:port",
// "[v6]:port", "host", or a bare IPv6 address (more than one ':', no brackets). Numeric addresses
// are taken as they are; a name is resolved once, when the output is made, never on the output
// thread's hot path.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

namespace spanwatch::alert {

struct PeerAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Throws std::runtime_error "<who>: bad address '<address>': <why>".
PeerAddress parse_peer_address(std::string_view who, std::string_view address, std::uint16_t default_port);

// Throws std::runtime_error when a name does not resolve.
std::vector<boost::asio::ip::tcp::endpoint> resolve_tcp(boost::asio::io_context& io, std::string_view who,
                                                        std::string_view address, std::uint16_t default_port);
std::vector<boost::asio::ip::udp::endpoint> resolve_udp(boost::asio::io_context& io, std::string_view who,
                                                        std::string_view address, std::uint16_t default_port);

}  // namespace spanwatch::alert
