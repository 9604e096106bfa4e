#pragma once
// Formats one EVE record (one JSON line) at a time into a reused buffer. Every JSON byte comes from
// RapidJSON's Writer; strings that may come from the network go through string(), which keeps the
// line valid JSON even when the bytes are not UTF-8 (see README.md, "Strings from packets").
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "alert/eve_context.hpp"
#include "alert/flow_header.hpp"
#include "core/timestamp.hpp"

namespace spanwatch::alert {

// RapidJSON's writer, plus one way to write a string that needs no escaping: RawValue would copy it
// byte by byte after a one-byte quote; this writes the separator the writer's state calls for (its
// Prefix, exactly as String() does) and the quoted text with one copy.
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  void plain_string(std::string_view text) {
    Prefix(rapidjson::kStringType);
    char* out = os_->Push(text.size() + 2);
    out[0] = '"';
    std::memcpy(out + 1, text.data(), text.size());
    out[text.size() + 1] = '"';
  }
};

class EveWriter {
 public:
  explicit EveWriter(EveContext context = {}, std::size_t initial_capacity = 4096);

  // Starts a record: opens the object and writes the header in Suricata's key order (timestamp,
  // flow_id, in_iface, pcap_filename, event_type, vlan, src_ip, src_port, dest_ip, dest_port, proto,
  // community_id, host). `flow` may be null (stats, flowless anomalies). The caller then writes its
  // payload keys through the returned writer (or key()/string()) and calls end().
  JsonWriter& begin(std::string_view event_type, core::Timestamp ts, const FlowHeader* flow);
  // Closes the record and returns the line (no newline), valid until the next begin(). Returns an
  // empty view (and counts an unbalanced record) if the payload left an object or array open.
  std::string_view end();
  // The last finished line (or empty), valid until the next begin().
  std::string_view line() const { return line_; }

  // An object key: our own ASCII literal, never bytes from a packet.
  void key(std::string_view name);
  // A string value from anywhere (packets included): valid UTF-8 is written as is, with RapidJSON
  // escaping quotes, backslashes and control characters. Input that is not valid UTF-8 is written
  // as Suricata does: ASCII bytes kept, every byte >= 0x80 replaced by the text `\xNN`.
  void string(std::string_view text);
  void field(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  JsonWriter& json() { return writer_; }

  // "YYYY-MM-DDTHH:MM:SS" (UTC) of `unix_seconds`, as strftime writes it; empty when gmtime_r
  // fails. Valid until the next call. Certificate dates repeat from record to record (a server's
  // certificate, the certificate cache): the last few texts are kept.
  std::string_view utc_date(std::int64_t unix_seconds);

  const EveContext& context() const { return context_; }
  // Offline capture moves from file to file; live capture never calls this.
  void set_pcap_filename(std::string_view path) { context_.pcap_filename.assign(path); }

  std::uint64_t records() const { return records_; }
  std::uint64_t repaired_strings() const { return repaired_strings_; }
  std::uint64_t unbalanced_records() const { return unbalanced_records_; }

 private:
  // A string known to need no escaping (see is_plain in the .cpp), copied in whole.
  void plain_string(std::string_view text);
  void write_timestamp(core::Timestamp ts);
  void write_flow(const FlowHeader& flow);
  void format_flow(const FlowHeader& flow);

  // Most records of a run fall in a second already seen, and most follow a record of the same flow
  // (a login and its alerts, an FTP session's commands): the text of the last second and of the
  // last flow header are kept and copied rather than formatted again (gmtime_r + snprintf, two
  // inet_ntop, RapidJSON's escaping of each byte). A flow header is reused only when every field
  // is equal, so the output is byte-for-byte what formatting would give.
  std::int64_t cached_second_ = 0;
  std::size_t cached_time_size_ = 0;  // 0: nothing cached
  char cached_time_[core::eve_timestamp_size];
  FlowHeader cached_flow_;
  std::string cached_flow_community_id_;  // cached_flow_.community_id points here
  std::string cached_flow_text_;          // `,"vlan":...,"community_id":"..."`; empty: nothing cached

  struct CachedDate {
    std::int64_t seconds = 0;
    std::uint8_t size = 0;  // 0: empty entry
    char text[32];
  };
  CachedDate cached_dates_[8];  // direct-mapped by the low bits of the seconds

  EveContext context_;
  rapidjson::StringBuffer buffer_;
  JsonWriter writer_;
  std::string repair_scratch_;  // reused for strings that need the \xNN form
  std::string_view line_;
  std::uint64_t records_ = 0;
  std::uint64_t repaired_strings_ = 0;
  std::uint64_t unbalanced_records_ = 0;
};

}  // namespace spanwatch::alert
