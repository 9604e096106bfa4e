#include "alert/peer_address.hpp"

#include <charconv>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

namespace spanwatch::alert {
namespace {

namespace asio = boost::asio;

[[noreturn]] void bad_address(std::string_view who, std::string_view address, std::string_view why) {
  throw std::runtime_error(std::string(who) + ": bad address '" + std::string(address) + "': " + std::string(why));
}

std::uint16_t parse_port(std::string_view who, std::string_view address, std::string_view text) {
  unsigned value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size() || value == 0 || value > 65535)
    bad_address(who, address, "the port must be a number from 1 to 65535");
  return static_cast<std::uint16_t>(value);
}

template <class Protocol>
std::vector<typename Protocol::endpoint> resolve(asio::io_context& io, std::string_view who, std::string_view address,
                                                 std::uint16_t default_port) {
  const PeerAddress target = parse_peer_address(who, address, default_port);
  boost::system::error_code error;
  const auto numeric = asio::ip::make_address(target.host, error);
  if (!error) return {typename Protocol::endpoint(numeric, target.port)};
  typename Protocol::resolver resolver(io);
  const auto results = resolver.resolve(target.host, std::to_string(target.port), error);
  if (error || results.empty()) bad_address(who, address, "cannot resolve '" + target.host + "': " + error.message());
  std::vector<typename Protocol::endpoint> endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  return endpoints;
}

}  // namespace

PeerAddress parse_peer_address(std::string_view who, std::string_view address, std::uint16_t default_port) {
  PeerAddress out{std::string(address), default_port};
  if (address.starts_with('[')) {
    const auto close = address.find(']');
    if (close == std::string_view::npos) bad_address(who, address, "missing ']'");
    out.host.assign(address.substr(1, close - 1));
    const auto rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') bad_address(who, address, "expected ':port' after ']'");
      out.port = parse_port(who, address, rest.substr(1));
    }
  } else if (const auto colon = address.find(':');
             colon != std::string_view::npos && address.find(':', colon + 1) == std::string_view::npos) {
    out.host.assign(address.substr(0, colon));
    out.port = parse_port(who, address, address.substr(colon + 1));
  }
  if (out.host.empty()) bad_address(who, address, "no host");
  return out;
}

std::vector<asio::ip::tcp::endpoint> resolve_tcp(asio::io_context& io, std::string_view who, std::string_view address,
                                                 std::uint16_t default_port) {
  return resolve<asio::ip::tcp>(io, who, address, default_port);
}

std::vector<asio::ip::udp::endpoint> resolve_udp(asio::io_context& io, std::string_view who, std::string_view address,
                                                 std::uint16_t default_port) {
  return resolve<asio::ip::udp>(io, who, address, default_port);
}

}  // namespace spanwatch::alert
