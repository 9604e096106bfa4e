#include <catch2/catch.hpp>

#include <string>

#include "flow/community_id.hpp"
#include "flow/flow_table.hpp"
#include "flow_test_packets.hpp"

using namespace spanwatch;
using namespace spanwatch::flow;
using namespace spanwatch::flow::test;

// Expected values: corelight/community-id-spec, baseline/baseline_deflt.json (seed 0) and
// baseline/baseline_seed1.json (seed 1), the outputs of the spec's reference implementation.
// Their sport/dport for ICMP are type and code as the packet carried them.
namespace {

struct Vector {
  const char* source;
  const char* destination;
  std::uint8_t protocol;
  std::uint16_t source_port;
  std::uint16_t destination_port;
  const char* seed0;
  const char* seed1;
};

constexpr Vector vectors[] = {
    {"128.232.110.120", "66.35.250.204", 6, 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
     "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {"192.168.1.52", "8.8.8.8", 17, 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {"2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 6, 63943, 25,
     "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw="},
    {"192.168.170.8", "192.168.170.56", 132, 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
     "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="},
    {"10.1.12.1", "10.1.12.2", 46, 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI="},
};

std::string id_of(const CommunityIdTuple& tuple, std::uint16_t seed) {
  char buffer[community_id_size];
  return std::string(community_id(tuple, buffer, seed));
}

CommunityIdTuple tuple_of(const char* source, const char* destination, std::uint8_t protocol,
                          std::uint16_t source_port, std::uint16_t destination_port) {
  return {ip(source), ip(destination), protocol, source_port, destination_port};
}

}  // namespace

TEST_CASE("Community ID matches the spec's baseline for TCP, UDP, SCTP and portless protocols, both ways") {
  for (const Vector& v : vectors) {
    INFO(v.source << " -> " << v.destination << " proto " << int{v.protocol});
    const auto forward = tuple_of(v.source, v.destination, v.protocol, v.source_port, v.destination_port);
    const auto backward = tuple_of(v.destination, v.source, v.protocol, v.destination_port, v.source_port);
    CHECK(id_of(forward, 0) == v.seed0);
    CHECK(id_of(backward, 0) == v.seed0);
    CHECK(id_of(forward, 1) == v.seed1);
    CHECK(id_of(backward, 1) == v.seed1);
  }
}

TEST_CASE("Community ID maps ICMP and ICMPv6 type and code like the spec") {
  // Echo request and its reply (type 0, code 0) share an id.
  CHECK(id_of(tuple_of("192.168.0.89", "192.168.0.1", 1, 8, 0), 0) == "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  CHECK(id_of(tuple_of("192.168.0.1", "192.168.0.89", 1, 0, 0), 0) == "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  CHECK(id_of(tuple_of("192.168.0.89", "192.168.0.1", 1, 8, 0), 1) == "1:03g6IloqVBdcZlPyX8r0hgoE7kA=");
  // Time exceeded is one-way: (type, code), direction kept.
  CHECK(id_of(tuple_of("10.0.0.1", "10.0.0.2", 1, 11, 0), 0) == "1:YHxtAirCG//0OzkcVAukqKQN9xM=");
  CHECK(id_of(tuple_of("10.0.0.1", "10.0.0.2", 1, 11, 0), 1) == "1:XjUibYHaafLQ3pxQeiMI8g25q20=");
  // Neighbour solicitation and advertisement pair up.
  CHECK(id_of(tuple_of("fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 135, 0), 0) ==
        "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
  CHECK(id_of(tuple_of("fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 136, 0), 0) ==
        "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=");
  CHECK(id_of(tuple_of("fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 135, 0), 0) ==
        "1:zavyT/cezQr1fmImYCwYnMXbgck=");
  // Echo request/reply over IPv6, and a one-way time exceeded.
  CHECK(id_of(tuple_of("3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 58, 128, 0), 0) ==
        "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=");
  CHECK(id_of(tuple_of("3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 129, 0), 0) ==
        "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=");
  CHECK(id_of(tuple_of("3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0), 0) ==
        "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=");
  CHECK(id_of(tuple_of("3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0), 1) ==
        "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=");
}

TEST_CASE("A flow's community ID is the spec's value whichever side the table saw first") {
  RecordingHandler handler;
  FlowTable table(small_table(8), handler);
  // IPv4 TCP seen from its SYN, IPv6 TCP seen from the server's SYN-ACK.
  const Flow* v4 = table.get(tcp("128.232.110.120", 34855, "66.35.250.204", 80, flags::syn, at(1))).flow;
  const auto syn_ack =
      tcp("2607:f8b0:400c:c03::1a", 25, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, flags::syn_ack, at(1));
  const Flow* v6 = table.get(syn_ack).flow;
  const Flow* dns = table.get(udp("8.8.8.8", 53, "192.168.1.52", 54585, at(1))).flow;
  char buffer[64];
  CHECK(community_id(*v4, buffer) == "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  CHECK(community_id(*v4, buffer, 1) == "1:3V71V58M3Ksw/yuFALMcW0LAHvc=");
  CHECK(community_id(*v6, buffer) == "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
  CHECK(community_id(*dns, buffer) == "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
  CHECK(v6->client_port() == 63943);
}

TEST_CASE("An ICMP flow's community ID uses its first packet's type and code") {
  RecordingHandler handler;
  FlowTable table(small_table(8), handler);
  auto icmp = [](const char* source, const char* destination, std::uint8_t type) {
    auto p = ip_packet(source, destination, 1, at(1));
    p.transport = decode::Transport::icmp;
    p.icmp_type = type;
    return p;
  };
  // One flow seen from its echo request, another (other hosts) seen from the echo reply.
  const Flow* request_first = table.get(icmp("192.168.0.89", "192.168.0.1", 8)).flow;
  table.get(icmp("192.168.0.1", "192.168.0.89", 0));
  auto v6 = ip_packet("3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, at(1));
  v6.transport = decode::Transport::icmpv6;
  v6.icmp_type = 129;  // echo reply seen first
  const Flow* reply_first = table.get(v6).flow;
  char buffer[community_id_size];
  CHECK(community_id(*request_first, buffer) == "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
  CHECK(community_id(*reply_first, buffer) == "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=");
  CHECK(table.active() == 2);
}
