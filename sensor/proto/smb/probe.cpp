#include "proto/smb/probe.hpp"

#include "proto/smb/wire_nbss.hpp"

namespace spanwatch::proto::smb {
namespace {

// A session request carries two first-level-encoded NetBIOS names: 0x20 then 32 bytes 'A'..'P'.
ProbeResult probe_session_request(core::Bytes bytes) {
  if (bytes.size() < 4) return ProbeResult::maybe;
  const std::uint32_t length = (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
  if (length < 68 || length > 600) return ProbeResult::no;
  const core::Bytes name = bytes.subspan(4);
  const std::size_t check = name.size() < 33 ? name.size() : 33;
  for (std::size_t i = 0; i < check; ++i) {
    const bool ok = i == 0 ? name[i] == 0x20 : (name[i] >= 'A' && name[i] <= 'P');
    if (!ok) return ProbeResult::no;
  }
  return check == 33 ? ProbeResult::yes : ProbeResult::maybe;
}

}  // namespace

ProbeResult probe_smb(core::Direction, core::Bytes first_bytes) {
  if (first_bytes.empty()) return ProbeResult::maybe;
  if (first_bytes[0] == static_cast<std::uint8_t>(NbssType::session_request)) return probe_session_request(first_bytes);
  if (first_bytes[0] != static_cast<std::uint8_t>(NbssType::session_message)) return ProbeResult::no;
  if (first_bytes.size() < 4) return ProbeResult::maybe;
  const auto header = parse_nbss_header(first_bytes.first(4));
  if (!header || header->length < 4) return ProbeResult::no;
  const core::Bytes magic = first_bytes.subspan(4);
  const std::size_t have = magic.size() < 4 ? magic.size() : 4;
  const std::uint8_t expected[3] = {'S', 'M', 'B'};
  if (have >= 1 && classify_magic_byte(magic[0]) == SmbMagic::none) return ProbeResult::no;
  for (std::size_t i = 1; i < have; ++i) {
    if (magic[i] != expected[i - 1]) return ProbeResult::no;
  }
  return have == 4 ? ProbeResult::yes : ProbeResult::maybe;
}

}  // namespace spanwatch::proto::smb
