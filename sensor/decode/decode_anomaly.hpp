#pragma once
// Every way a frame can be odd or broken, named once. The names are Suricata's decoder event names
// (EVE `anomaly.event`, `stats.decoder.event.<name>`), so each must exist in Suricata's EVE schema.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace spanwatch::decode {

enum class DecodeAnomaly : std::uint8_t {
  none = 0,
  // Link layers.
  ethernet_pkt_too_small,
  ethernet_unknown_ethertype,
  vlan_header_too_small,
  vlan_too_many_layers,
  sll_pkt_too_small,
  sll2_pkt_too_small,
  ltnull_pkt_too_small,
  ltnull_unsupported_type,
  ipraw_invalid_ip_version,
  // IPv4.
  ipv4_pkt_too_small,
  ipv4_wrong_ip_version,
  ipv4_hlen_too_small,
  ipv4_iplen_smaller_than_hlen,
  ipv4_trunc_pkt,
  ipv4_opt_invalid_len,
  ipv4_opt_malformed,
  ipv4_icmpv6,
  ipv4_frag_pkt_too_large,
  ipv4_frag_overlap,
  ipv4_frag_ignored,
  // IPv6.
  ipv6_pkt_too_small,
  ipv6_wrong_ip_version,
  ipv6_trunc_pkt,
  ipv6_trunc_exthdr,
  ipv6_exthdr_dupl_hh,
  ipv6_exthdr_dupl_rh,
  ipv6_exthdr_dupl_fh,
  ipv6_exthdr_dupl_dh,
  ipv6_exthdr_dupl_ah,
  ipv6_exthdr_dupl_eh,
  ipv6_exthdr_useless_fh,
  ipv6_fh_non_zero_reserved_field,
  ipv6_rh_type_0,
  ipv6_data_after_none_header,
  ipv6_icmpv4,
  ipv6_frag_pkt_too_large,
  ipv6_frag_overlap,
  ipv6_frag_invalid_length,
  ipv6_frag_ignored,
  // Transport.
  tcp_pkt_too_small,
  tcp_hlen_too_small,
  tcp_opt_invalid_len,
  tcp_opt_duplicate,
  udp_pkt_too_small,
  udp_hlen_too_small,
  udp_len_invalid,
  udp_hlen_invalid,
  icmpv4_pkt_too_small,
  icmpv6_pkt_too_small,
  count_
};

namespace detail {
inline constexpr std::array<std::string_view, static_cast<std::size_t>(DecodeAnomaly::count_)> anomaly_names = {
    "none",
    "ethernet.pkt_too_small",
    "ethernet.unknown_ethertype",
    "vlan.header_too_small",
    "vlan.too_many_layers",
    "sll.pkt_too_small",
    "sll2.pkt_too_small",
    "ltnull.pkt_too_small",
    "ltnull.unsupported_type",
    "ipraw.invalid_ip_version",
    "ipv4.pkt_too_small",
    "ipv4.wrong_ip_version",
    "ipv4.hlen_too_small",
    "ipv4.iplen_smaller_than_hlen",
    "ipv4.trunc_pkt",
    "ipv4.opt_invalid_len",
    "ipv4.opt_malformed",
    "ipv4.icmpv6",
    "ipv4.frag_pkt_too_large",
    "ipv4.frag_overlap",
    "ipv4.frag_ignored",
    "ipv6.pkt_too_small",
    "ipv6.wrong_ip_version",
    "ipv6.trunc_pkt",
    "ipv6.trunc_exthdr",
    "ipv6.exthdr_dupl_hh",
    "ipv6.exthdr_dupl_rh",
    "ipv6.exthdr_dupl_fh",
    "ipv6.exthdr_dupl_dh",
    "ipv6.exthdr_dupl_ah",
    "ipv6.exthdr_dupl_eh",
    "ipv6.exthdr_useless_fh",
    "ipv6.fh_non_zero_reserved_field",
    "ipv6.rh_type_0",
    "ipv6.data_after_none_header",
    "ipv6.icmpv4",
    "ipv6.frag_pkt_too_large",
    "ipv6.frag_overlap",
    "ipv6.frag_invalid_length",
    "ipv6.frag_ignored",
    "tcp.pkt_too_small",
    "tcp.hlen_too_small",
    "tcp.opt_invalid_len",
    "tcp.opt_duplicate",
    "udp.pkt_too_small",
    "udp.hlen_too_small",
    "udp.len_invalid",
    "udp.hlen_invalid",
    "icmpv4.pkt_too_small",
    "icmpv6.pkt_too_small",
};
}  // namespace detail

// Suricata's event name, e.g. "ipv4.frag_overlap" ("none" for DecodeAnomaly::none).
constexpr std::string_view name_of(DecodeAnomaly anomaly) {
  const auto index = static_cast<std::size_t>(anomaly);
  return index < detail::anomaly_names.size() ? detail::anomaly_names[index] : std::string_view{};
}

// The layer that raised it, for EVE `anomaly.layer` / the "decode" part of `anomaly.type`.
constexpr std::string_view layer_of(DecodeAnomaly) { return "decode"; }

}  // namespace spanwatch::decode
