#include "alert/eve_writer.hpp"

#include <charconv>
#include <utility>

#include <rapidjson/encodings.h>

namespace spanwatch::alert {
namespace {

// RapidJSON's UTF-8 validator reads through a stream; this one yields NUL past the end, which no
// multi-byte sequence accepts, so a sequence cut off by the end of the field is reported invalid
// instead of being read past.
struct BoundedStream {
  using Ch = char;
  const char* position;
  const char* end;
  Ch Peek() const { return position < end ? *position : '\0'; }
  Ch Take() { return position < end ? *position++ : '\0'; }
  std::size_t Tell() const { return 0; }
};

struct DiscardStream {
  using Ch = char;
  void Put(Ch) {}
};

bool is_valid_utf8(std::string_view text) {
  BoundedStream in{text.data(), text.data() + text.size()};
  DiscardStream out;
  while (in.position < in.end) {
    if (!rapidjson::UTF8<>::Validate(in, out)) return false;
  }
  return true;
}

rapidjson::SizeType json_size(std::string_view text) { return static_cast<rapidjson::SizeType>(text.size()); }

}  // namespace

std::string_view eve_proto_name(std::uint8_t ip_protocol, char (&buffer)[4]) {
  switch (ip_protocol) {
    case 1: return "ICMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 58: return "IPv6-ICMP";
    default: break;
  }
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, ip_protocol);
  return {buffer, static_cast<std::size_t>(result.ptr - buffer)};
}

EveWriter::EveWriter(EveContext context, std::size_t initial_capacity)
    : context_(std::move(context)), buffer_(nullptr, initial_capacity), writer_(buffer_) {
  repair_scratch_.reserve(256);
}

JsonWriter& EveWriter::begin(std::string_view event_type, core::Timestamp ts, const FlowHeader* flow) {
  // Clear keeps the capacity: after the first few records nothing here allocates.
  buffer_.Clear();
  writer_.Reset(buffer_);
  line_ = {};
  writer_.StartObject();

  char time_text[core::eve_timestamp_size];
  const std::string_view timestamp = core::format_eve_timestamp(ts, time_text);
  key("timestamp");
  writer_.String(timestamp.data(), json_size(timestamp));
  if (flow != nullptr) {
    key("flow_id");
    writer_.Uint64(flow->flow_id);
  }
  if (!context_.in_iface.empty()) field("in_iface", context_.in_iface);
  if (!context_.pcap_filename.empty()) field("pcap_filename", context_.pcap_filename);
  field("event_type", event_type);
  if (flow != nullptr) write_flow(*flow);
  if (!context_.host.empty()) field("host", context_.host);
  return writer_;
}

void EveWriter::write_flow(const FlowHeader& flow) {
  const unsigned vlan_count = flow.vlan_count < 2 ? flow.vlan_count : 2;
  if (vlan_count > 0) {
    key("vlan");
    writer_.StartArray();
    for (unsigned i = 0; i < vlan_count; ++i) writer_.Uint(flow.vlan[i]);
    writer_.EndArray();
  }
  char address_text[core::IpAddress::text_size];
  const std::string_view src = flow.src_ip.to_chars(address_text);
  key("src_ip");
  writer_.String(src.data(), json_size(src));
  if (flow.has_ports) {
    key("src_port");
    writer_.Uint(flow.src_port);
  }
  const std::string_view dest = flow.dest_ip.to_chars(address_text);
  key("dest_ip");
  writer_.String(dest.data(), json_size(dest));
  if (flow.has_ports) {
    key("dest_port");
    writer_.Uint(flow.dest_port);
  }
  char proto_text[4];
  const std::string_view proto = eve_proto_name(flow.ip_protocol, proto_text);
  key("proto");
  writer_.String(proto.data(), json_size(proto));
  if (!flow.community_id.empty()) field("community_id", flow.community_id);
}

std::string_view EveWriter::end() {
  writer_.EndObject();
  ++records_;
  if (!writer_.IsComplete()) {
    ++unbalanced_records_;
    line_ = {};
    return line_;
  }
  line_ = {buffer_.GetString(), buffer_.GetSize()};
  return line_;
}

void EveWriter::key(std::string_view name) { writer_.Key(name.data(), json_size(name)); }

void EveWriter::string(std::string_view text) {
  if (is_valid_utf8(text)) {
    writer_.String(text.data(), json_size(text));
    return;
  }
  ++repaired_strings_;
  static constexpr char hex_digits[] = "0123456789abcdef";
  repair_scratch_.clear();
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      repair_scratch_.push_back(c);
      continue;
    }
    const char escaped[4] = {'\\', 'x', hex_digits[byte >> 4], hex_digits[byte & 0x0f]};
    repair_scratch_.append(escaped, sizeof escaped);
  }
  writer_.String(repair_scratch_.data(), json_size(repair_scratch_));
}

}  // namespace spanwatch::alert
