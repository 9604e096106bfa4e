#include "rules/address_groups.hpp"

#include <charconv>
#include <stdexcept>

namespace spanwatch::rules {
namespace {

struct Builtin {
  std::string_view name;
  std::vector<std::string_view> cidrs;
};

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> table{
      {"RFC1918", {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}},
      {"ULA", {"fc00::/7"}},
      {"CGNAT", {"100.64.0.0/10"}},
      {"LINK_LOCAL", {"169.254.0.0/16", "fe80::/10"}},
      {"LOOPBACK", {"127.0.0.0/8", "::1/128"}},
      {"MULTICAST", {"224.0.0.0/4", "ff00::/8"}},
      {"PRIVATE", {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "100.64.0.0/10",
                   "169.254.0.0/16", "fe80::/10"}},
      {"ANY", {"0.0.0.0/0", "::/0"}},
      {"FTP_NAT_ALLOWED", {}},  // clients known to sit behind NAT (9100002's allow-list): empty by default
  };
  return table;
}

std::string_view without_dollar(std::string_view name) {
  return name.starts_with('$') ? name.substr(1) : name;
}

}  // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = core::IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  const unsigned bits = address->is_v4() ? 32 : 128;
  if (slash == std::string_view::npos) return Cidr{*address, bits};
  const std::string_view digits = text.substr(slash + 1);
  unsigned length = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
  if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty() || length > bits)
    return std::nullopt;
  return Cidr{*address, length};
}

bool CidrList::contains(const core::IpAddress& address) const {
  for (const Cidr& c : entries_)
    if (address.in_prefix(c.prefix, c.length)) return true;
  return false;
}

AddressGroups::AddressGroups(const AddressGroupConfig& config) {
  for (const Builtin& b : builtins()) {
    if (config.contains(b.name)) continue;  // configuration may redefine a built-in
    CidrList list;
    for (std::string_view text : b.cidrs) list.add(*parse_cidr(text));
    groups_.emplace(std::string(b.name), std::move(list));
  }
  for (const auto& entry : config) resolve(entry.first, config, 0);
  if (!groups_.contains("HOME_NET")) groups_.emplace("HOME_NET", groups_.at("PRIVATE"));
  if (!groups_.contains("EXTERNAL_NET")) groups_.emplace("EXTERNAL_NET", groups_.at("ANY"));
}

const CidrList& AddressGroups::resolve(const std::string& name, const AddressGroupConfig& config, int depth) {
  if (auto found = groups_.find(name); found != groups_.end()) return found->second;
  if (depth > 16) throw std::invalid_argument("address group $" + name + " refers to itself");
  const auto entry = config.find(name);
  if (entry == config.end()) throw std::invalid_argument("unknown address group $" + name);
  CidrList list;
  for (const std::string& item : entry->second) {
    if (item.starts_with('$')) {
      list.add(resolve(std::string(without_dollar(item)), config, depth + 1));
    } else if (const auto cidr = parse_cidr(item)) {
      list.add(*cidr);
    } else {
      throw std::invalid_argument("address group $" + name + ": '" + item + "' is not an address or CIDR");
    }
  }
  return groups_.emplace(name, std::move(list)).first->second;
}

const CidrList* AddressGroups::find(std::string_view name) const {
  const auto found = groups_.find(without_dollar(name));
  return found == groups_.end() ? nullptr : &found->second;
}

std::string_view address_class(const core::IpAddress& address) {
  // By bytes, not through parse_cidr: this runs while an alert is rendered.
  const std::uint8_t* b = address.data();
  if (address.is_v4()) {
    if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168)) return "private";
    if (b[0] == 100 && (b[1] & 0xc0) == 64) return "cgnat";
    if (b[0] == 169 && b[1] == 254) return "link_local";
    if (b[0] == 127) return "loopback";
    if ((b[0] & 0xf0) == 224) return "multicast";
    if (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) return "unspecified";
    return "public";
  }
  if (address.is_v6()) {
    if ((b[0] & 0xfe) == 0xfc) return "ula";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link_local";
    if (b[0] == 0xff) return "multicast";
    bool zero_prefix = true;
    for (int i = 0; i < 15; ++i) zero_prefix = zero_prefix && b[i] == 0;
    if (zero_prefix && b[15] == 1) return "loopback";
    if (zero_prefix && b[15] == 0) return "unspecified";
    return "public";
  }
  return "unspecified";
}

}  // namespace spanwatch::rules
