#include "manifest.hpp"

#include <cstdio>
#include <stdexcept>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace spanwatch::tools {

void write_manifest(const std::string& path, const ManifestHeader& header, const CaptureSink& sink) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  const auto field = [&w](const char* key, std::uint64_t value) {
    w.Key(key);
    w.Uint64(value);
  };
  const FrameTally& t = sink.tally();
  const GroundTruth& g = sink.truth();
  w.StartObject();
  w.Key("profile");
  w.String(header.profile.c_str());
  field("seed", header.seed);
  w.Key("format");
  w.String(header.format.c_str());
  field("first_timestamp_ns", sink.first_ns());
  field("last_timestamp_ns", sink.last_ns());
  field("packets", t.packets);
  field("bytes", t.bytes);
  field("wire_bytes", t.wire_bytes);
  field("ipv4", t.ipv4);
  field("ipv6", t.ipv6);
  field("vlan_tagged", t.vlan_tagged);
  field("qinq", t.qinq);
  field("arp", t.arp);
  field("non_ip", t.non_ip);
  field("ipv4_fragments", t.ipv4_fragments);
  field("ipv6_fragments", t.ipv6_fragments);
  field("ipv4_reassembled", g.ipv4_reassembled);
  field("ipv6_reassembled", g.ipv6_reassembled);
  field("overlapping_fragment_datagrams", g.overlapping_fragment_datagrams);
  field("tcp_flows", g.tcp_flows);
  field("udp_flows", g.udp_flows);
  field("midstream_flows", g.midstream_flows);
  field("malformed_frames", g.truncated_frames + g.bad_ipv4_headers);
  field("truncated_frames", g.truncated_frames);
  field("bad_ipv4_headers", g.bad_ipv4_headers);
  field("out_of_order_segments", g.out_of_order_segments);
  field("retransmissions", g.retransmissions);
  field("overlaps", g.overlaps);
  w.EndObject();

  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  const bool ok = std::fwrite(buffer.GetString(), 1, buffer.GetSize(), f) == buffer.GetSize() &&
                  std::fputc('\n', f) != EOF;
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path);
}

}  // namespace spanwatch::tools
