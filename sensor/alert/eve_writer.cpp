#include "alert/eve_writer.hpp"

#include <charconv>
#include <cstring>
#include <ctime>
#include <iterator>
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

// Printable ASCII without a quote or backslash: JSON as it stands (what RapidJSON would write
// unchanged). Most strings are; one branch-free pass over the bytes tells. Written with byte-wide
// flags because GCC 12 does not vectorise the bool form (12 instructions a byte on JA3 strings).
bool is_plain(std::string_view text) {
  unsigned char special = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    // byte - 0x20 wraps for control characters: one compare covers < 0x20 and >= 0x7f.
    special |= static_cast<unsigned char>(static_cast<unsigned char>(byte - 0x20) > 0x5e) |
               static_cast<unsigned char>(byte == '"') | static_cast<unsigned char>(byte == '\\');
  }
  return special == 0;
}

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
  cached_flow_community_id_.reserve(64);
  cached_flow_text_.reserve(256);
}

JsonWriter& EveWriter::begin(std::string_view event_type, core::Timestamp ts, const FlowHeader* flow) {
  // Clear keeps the capacity: after the first few records nothing here allocates.
  buffer_.Clear();
  writer_.Reset(buffer_);
  line_ = {};
  writer_.StartObject();

  write_timestamp(ts);
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

// "YYYY-MM-DDTHH:MM:SS.uuuuuu+0000": within one second only the six digits of microseconds change.
void EveWriter::write_timestamp(core::Timestamp ts) {
  constexpr std::size_t tail = 11;  // "uuuuuu+0000"
  const std::uint32_t micros = ts.nanoseconds / 1000;
  key("timestamp");
  if (micros >= 1'000'000 || cached_time_size_ < tail || ts.seconds != cached_second_) {
    // A new second (or a timestamp whose microseconds do not fit six digits): formatted in full.
    const std::string_view text = core::format_eve_timestamp(ts, cached_time_);
    plain_string(text);
    const bool cacheable = micros < 1'000'000 && text.size() >= tail && text.substr(text.size() - 5) == "+0000";
    cached_time_size_ = cacheable ? text.size() : 0;
    cached_second_ = ts.seconds;
    return;
  }
  char* digits = cached_time_ + cached_time_size_ - tail;
  std::uint32_t rest = micros;
  for (int i = 5; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + rest % 10);
    rest /= 10;
  }
  plain_string({cached_time_, cached_time_size_});
}

std::string_view EveWriter::utc_date(std::int64_t unix_seconds) {
  CachedDate& entry = cached_dates_[static_cast<std::uint64_t>(unix_seconds) % std::size(cached_dates_)];
  if (entry.size != 0 && entry.seconds == unix_seconds) return {entry.text, entry.size};
  entry.size = 0;
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return {};
  std::size_t n = 0;
  const int year = tm.tm_year + 1900;
  if (year >= 1000 && year <= 9999) {
    // Four-digit years: the fields with to_chars (strftime costs ~1,000 instructions a date).
    char* out = entry.text;
    auto field = [&out](int value, int width, char separator) {
      if (width == 2 && value < 10) *out++ = '0';
      out = std::to_chars(out, out + 4, value).ptr;
      if (separator != '\0') *out++ = separator;
    };
    field(year, 4, '-');
    field(tm.tm_mon + 1, 2, '-');
    field(tm.tm_mday, 2, 'T');
    field(tm.tm_hour, 2, ':');
    field(tm.tm_min, 2, ':');
    field(tm.tm_sec, 2, '\0');
    n = static_cast<std::size_t>(out - entry.text);
  } else {
    n = std::strftime(entry.text, sizeof entry.text, "%Y-%m-%dT%H:%M:%S", &tm);
  }
  if (n == 0) return {};
  entry.seconds = unix_seconds;
  entry.size = static_cast<std::uint8_t>(n);
  return {entry.text, n};
}

namespace {

bool same_flow_fields(const FlowHeader& a, const FlowHeader& b) {
  return a.src_ip == b.src_ip && a.dest_ip == b.dest_ip && a.src_port == b.src_port && a.dest_port == b.dest_port &&
         a.has_ports == b.has_ports && a.ip_protocol == b.ip_protocol && a.vlan_count == b.vlan_count &&
         a.vlan[0] == b.vlan[0] && a.vlan[1] == b.vlan[1] && a.community_id == b.community_id;
}

}  // namespace

// The header text is key/value pairs only (an even number of writer values, the vlan array closed
// inside it), so copying it in leaves the writer's comma/colon state as formatting would have.
void EveWriter::write_flow(const FlowHeader& flow) {
  if (!cached_flow_text_.empty() && same_flow_fields(flow, cached_flow_)) {
    std::memcpy(buffer_.Push(cached_flow_text_.size()), cached_flow_text_.data(), cached_flow_text_.size());
    return;
  }
  const std::size_t start = buffer_.GetSize();
  format_flow(flow);
  cached_flow_text_.assign(buffer_.GetString() + start, buffer_.GetSize() - start);
  cached_flow_community_id_.assign(flow.community_id);
  cached_flow_ = flow;
  cached_flow_.community_id = cached_flow_community_id_;
}

void EveWriter::format_flow(const FlowHeader& flow) {
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
  plain_string(src);
  if (flow.has_ports) {
    key("src_port");
    writer_.Uint(flow.src_port);
  }
  const std::string_view dest = flow.dest_ip.to_chars(address_text);
  key("dest_ip");
  plain_string(dest);
  if (flow.has_ports) {
    key("dest_port");
    writer_.Uint(flow.dest_port);
  }
  char proto_text[4];
  const std::string_view proto = eve_proto_name(flow.ip_protocol, proto_text);
  key("proto");
  plain_string(proto);
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

// RapidJSON's writer escapes byte by byte (about 20 instructions each); text that needs no escaping
// is copied whole instead (JsonWriter::plain_string counts one string value, as String() would).
void EveWriter::plain_string(std::string_view text) { writer_.plain_string(text); }

void EveWriter::key(std::string_view name) { plain_string(name); }

void EveWriter::string(std::string_view text) {
  if (is_plain(text)) {
    plain_string(text);
    return;
  }
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
