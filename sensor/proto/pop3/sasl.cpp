#include "proto/pop3/sasl.hpp"

#include "proto/line_framer.hpp"

namespace spanwatch::proto::pop3 {
namespace {

// The value of "key=..." among ^A-separated fields, or nullopt.
std::optional<std::string_view> field(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    const std::size_t end = text.find('\x01');
    const std::string_view item = text.substr(0, end);
    if (istarts_with(item, key)) return item.substr(key.size());
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> bearer_token(std::string_view text) {
  const auto auth = field(text, "auth=");
  if (!auth || !istarts_with(*auth, "Bearer ")) return std::nullopt;
  return auth->substr(7);
}

}  // namespace

events::pop3::Mechanism mechanism_of(std::string_view name) {
  using events::pop3::Mechanism;
  if (iequals(name, "PLAIN")) return Mechanism::plain;
  if (iequals(name, "LOGIN")) return Mechanism::login;
  if (iequals(name, "XOAUTH2")) return Mechanism::xoauth2;
  if (iequals(name, "OAUTHBEARER")) return Mechanism::oauthbearer;
  if (iequals(name, "CRAM-MD5")) return Mechanism::cram_md5;
  return Mechanism::other;
}

std::optional<SaslIdentity> parse_plain(std::string_view decoded) {
  const std::size_t first = decoded.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = decoded.find('\0', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  SaslIdentity id{decoded.substr(first + 1, second - first - 1), decoded.substr(second + 1)};
  if (id.user.empty()) id.user = decoded.substr(0, first);  // only an authorisation identity given
  return id;
}

std::optional<SaslIdentity> parse_xoauth2(std::string_view decoded) {
  const auto user = field(decoded, "user=");
  const auto token = bearer_token(decoded);
  if (!user || !token) return std::nullopt;
  return SaslIdentity{*user, *token};
}

std::optional<SaslIdentity> parse_oauthbearer(std::string_view decoded) {
  // gs2-header: "n," or "y," or "p=..," then "a=authzid," (optional), then ^A key=value pairs.
  const std::size_t fields = decoded.find('\x01');
  if (fields == std::string_view::npos) return std::nullopt;
  std::string_view header = decoded.substr(0, fields);
  std::string_view user;
  const std::size_t a = header.find(",a=");
  if (a != std::string_view::npos) {
    user = header.substr(a + 3);
    if (const std::size_t comma = user.find(','); comma != std::string_view::npos) user = user.substr(0, comma);
  }
  const auto token = bearer_token(decoded.substr(fields + 1));
  if (!token) return std::nullopt;
  return SaslIdentity{user, *token};
}

std::optional<SaslIdentity> parse_cram_md5(std::string_view decoded) {
  const std::size_t space = decoded.rfind(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 == decoded.size()) return std::nullopt;
  return SaslIdentity{decoded.substr(0, space), decoded.substr(space + 1)};
}

}  // namespace spanwatch::proto::pop3
