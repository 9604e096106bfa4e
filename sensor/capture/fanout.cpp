// join_fanout(): PACKET_FANOUT on the sockets behind libpcap's live handles (pcap_get_selectable_fd
// is the packet socket on Linux), after pcap_activate has bound them.
#include "capture/fanout.hpp"

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "capture/capture_error.hpp"

namespace spanwatch::capture {
namespace {

// A classic BPF program whose return value, modulo the group size, picks the handle. Loads are
// relative to the network header (SKF_NET_OFF), which the kernel sets after taking off an outer
// VLAN tag; one more in-band tag (QinQ) is skipped by hand. The sum of the address words is
// symmetric; a finaliser (lowbias32) mixes it so that `% n` does not follow the low address bits.
// Memory: M[0] the running sum, M[2] the offset of the IP header past the network header.
std::vector<sock_filter> ip_pair_program() {
  std::vector<sock_filter> p;
  auto stmt = [&p](std::uint16_t code, std::uint32_t k) { p.push_back(BPF_STMT(code, k)); };
  // A conditional jump whose targets are patched once known.
  auto jump = [&p](std::uint32_t k) {
    p.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0));
    return p.size() - 1;
  };
  auto offset_to = [](std::size_t from, std::size_t to) { return static_cast<std::uint8_t>(to - from - 1); };
  constexpr std::uint32_t net = static_cast<std::uint32_t>(SKF_NET_OFF);

  stmt(BPF_LD | BPF_H | BPF_ABS, static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL));
  stmt(BPF_LDX | BPF_IMM, 0);
  const std::size_t is_8021q = jump(0x8100);
  const std::size_t is_8021ad = jump(0x88a8);
  const std::size_t inner_tag = p.size();
  stmt(BPF_LD | BPF_H | BPF_ABS, net + 2);  // the ethertype behind the in-band tag
  stmt(BPF_LDX | BPF_IMM, 4);
  const std::size_t check = p.size();
  stmt(BPF_STX, 2);
  const std::size_t is_ipv4 = jump(0x0800);
  const std::size_t is_ipv6 = jump(0x86dd);

  // Adds the 32-bit word at X + offset past the network header to M[0] (X is restored after).
  auto add_word = [&](std::uint32_t offset) {
    stmt(BPF_LD | BPF_W | BPF_IND, net + offset);
    stmt(BPF_MISC | BPF_TAX, 0);
    stmt(BPF_LD | BPF_MEM, 0);
    stmt(BPF_ALU | BPF_ADD | BPF_X, 0);
    stmt(BPF_ST, 0);
    stmt(BPF_LDX | BPF_MEM, 2);
  };
  const std::size_t ipv4 = p.size();
  stmt(BPF_LD | BPF_W | BPF_IND, net + 12);  // source address
  stmt(BPF_ST, 0);
  add_word(16);                              // destination address
  const std::size_t ipv4_done = p.size();
  stmt(BPF_JMP | BPF_JA, 0);
  const std::size_t ipv6 = p.size();
  stmt(BPF_LD | BPF_W | BPF_IND, net + 8);  // source address, then the rest of both
  stmt(BPF_ST, 0);
  for (std::uint32_t offset = 12; offset < 40; offset += 4) add_word(offset);

  const std::size_t mix = p.size();
  for (const auto& [shift, multiplier] : {std::pair<std::uint32_t, std::uint32_t>{16, 0x7feb352d}, {15, 0x846ca68b}}) {
    stmt(BPF_MISC | BPF_TAX, 0);
    stmt(BPF_ALU | BPF_RSH | BPF_K, shift);
    stmt(BPF_ALU | BPF_XOR | BPF_X, 0);
    stmt(BPF_ALU | BPF_MUL | BPF_K, multiplier);
  }
  stmt(BPF_MISC | BPF_TAX, 0);
  stmt(BPF_ALU | BPF_RSH | BPF_K, 16);
  stmt(BPF_ALU | BPF_XOR | BPF_X, 0);
  stmt(BPF_RET | BPF_A, 0);
  const std::size_t not_ip = p.size();
  stmt(BPF_RET | BPF_K, 0);

  p[is_8021q].jt = offset_to(is_8021q, inner_tag);
  p[is_8021ad].jt = offset_to(is_8021ad, inner_tag);
  p[is_8021ad].jf = offset_to(is_8021ad, check);
  p[is_ipv4].jt = offset_to(is_ipv4, ipv4);
  p[is_ipv6].jt = offset_to(is_ipv6, ipv6);
  p[is_ipv6].jf = offset_to(is_ipv6, not_ip);
  p[ipv4_done].k = static_cast<std::uint32_t>(mix - ipv4_done - 1);
  return p;
}

[[noreturn]] void fail(const PacketSource& source, const std::string& what) {
  throw CaptureError(std::string(source.name()) + ": cannot join a packet fanout group: " + what + ": " +
                     std::strerror(errno));
}

}  // namespace

FanoutGroup join_fanout(std::span<PacketSource* const> sources, FanoutMode mode) {
  FanoutGroup group;
  group.mode = mode;
  if (sources.empty()) return group;
  const std::uint32_t type = mode == FanoutMode::ip_pair ? PACKET_FANOUT_CBPF
                                                         : PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
  // The first socket creates the group with an id the kernel picks; the others join that id.
  const int first = sources[0]->selectable_fd();
  std::uint32_t request = (type | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
  if (::setsockopt(first, SOL_PACKET, PACKET_FANOUT, &request, sizeof request) != 0) fail(*sources[0], "PACKET_FANOUT");
  std::uint32_t joined = 0;
  socklen_t length = sizeof joined;
  if (::getsockopt(first, SOL_PACKET, PACKET_FANOUT, &joined, &length) != 0) fail(*sources[0], "reading its id");
  group.id = static_cast<std::uint16_t>(joined & 0xffff);
  if (mode == FanoutMode::ip_pair) {
    // Until the program is set the kernel sends every packet to the first handle.
    std::vector<sock_filter> program = ip_pair_program();
    sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    if (::setsockopt(first, SOL_PACKET, PACKET_FANOUT_DATA, &fprog, sizeof fprog) != 0)
      fail(*sources[0], "its BPF program");
  }
  for (std::size_t i = 1; i < sources.size(); ++i) {
    request = group.id | (type << 16);
    if (::setsockopt(sources[i]->selectable_fd(), SOL_PACKET, PACKET_FANOUT, &request, sizeof request) != 0)
      fail(*sources[i], "PACKET_FANOUT");
  }
  return group;
}

}  // namespace spanwatch::capture
