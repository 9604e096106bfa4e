#pragma once
// Pure parsers for the decoded SASL responses POP3 carries (RFC 4616 PLAIN, the LOGIN draft,
// Google's XOAUTH2, RFC 7628 OAUTHBEARER, RFC 2195 CRAM-MD5). Views into the decoded bytes.
#include <optional>
#include <string_view>

#include "events/pop3.hpp"

namespace spanwatch::proto::pop3 {

events::pop3::Mechanism mechanism_of(std::string_view name);  // case-insensitive

struct SaslIdentity {
  std::string_view user;    // authentication identity
  std::string_view secret;  // password, bearer token or digest
};

// authzid NUL authcid NUL passwd
std::optional<SaslIdentity> parse_plain(std::string_view decoded);
// "user=" user ^A "auth=Bearer " token ^A ^A
std::optional<SaslIdentity> parse_xoauth2(std::string_view decoded);
// gs2 header "n,a=user," ^A ... "auth=Bearer " token ^A ... ^A ^A
std::optional<SaslIdentity> parse_oauthbearer(std::string_view decoded);
// user SP hex-digest
std::optional<SaslIdentity> parse_cram_md5(std::string_view decoded);

}  // namespace spanwatch::proto::pop3
