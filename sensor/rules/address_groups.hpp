#pragma once
// CIDR lists and the named address groups rules refer to as `$NAME`: built-in ranges ($PRIVATE,
// $RFC1918, $ULA, $CGNAT, $LINK_LOCAL, $LOOPBACK, $MULTICAST, $ANY, and the empty allow-list
// $FTP_NAT_ALLOWED) plus groups from configuration ($HOME_NET, allow-lists), which may redefine them. Compiled once; matching walks a short vector and never allocates.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"

namespace spanwatch::rules {

struct Cidr {
  core::IpAddress prefix;
  unsigned length = 0;
};

// "10.0.0.0/8", "fd00::/8" or a bare address (a host prefix); nullopt when not one of these.
std::optional<Cidr> parse_cidr(std::string_view text);

class CidrList {
 public:
  void add(const Cidr& cidr) { entries_.push_back(cidr); }
  void add(const CidrList& other) { entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end()); }
  bool contains(const core::IpAddress& address) const;
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<Cidr> entries_;
};

// Groups from configuration: name (without `$`) → entries, each a CIDR, an address or another `$GROUP`.
using AddressGroupConfig = std::map<std::string, std::vector<std::string>, std::less<>>;

class AddressGroups {
 public:
  // Built-ins plus `config`; $HOME_NET defaults to $PRIVATE and $EXTERNAL_NET to $ANY when the
  // configuration does not define them. Throws std::invalid_argument naming a bad entry or a cycle.
  explicit AddressGroups(const AddressGroupConfig& config = {});

  // The group's CIDRs by name with or without the `$`; nullptr when unknown.
  const CidrList* find(std::string_view name) const;

 private:
  const CidrList& resolve(const std::string& name, const AddressGroupConfig& config, int depth);
  std::map<std::string, CidrList, std::less<>> groups_;
};

// "private" (RFC 1918), "ula", "cgnat", "link_local", "loopback", "multicast", "unspecified" or
// "public": the words 9100002 uses to tell a client behind NAT from a bounce to a third party.
std::string_view address_class(const core::IpAddress& address);

}  // namespace spanwatch::rules
