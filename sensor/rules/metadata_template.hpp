#pragma once
// Alert metadata values: literal text with placeholders filled from the event, the flow and the
// threshold that fired, rendered into a caller's bounded buffer (truncated, never grown).
//   {user} {event.user} {flow.src_ip}         a field, in its text form (versions as "TLS 1.2")
//   {addr_class(address)}                     private | ula | cgnat | link_local | loopback | ... | public
//   {hex(cipher_suite)}                       an integer as 0x%04x
//   {threshold.count} {threshold.distinct} {threshold.values}
//                                             matches in the window, distinct values of the
//                                             threshold's `values` field, a few of those values
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/condition.hpp"

namespace spanwatch::rules {

enum class TemplatePartKind : std::uint8_t {
  literal,
  field,
  address_class,
  hex,
  threshold_count,
  threshold_distinct,
  threshold_values,
};

struct TemplatePart {
  TemplatePartKind kind = TemplatePartKind::literal;
  std::string literal;
  FieldRef field;
};

// `map` turns a rendered value into wording ({private: "client behind NAT", public: "bounce"});
// a value not in the map stays as rendered.
struct MetadataTemplate {
  std::string key;
  std::vector<TemplatePart> parts;
  std::vector<std::pair<std::string, std::string>> map;
};

// What a threshold knew when its rule fired (zeros without a threshold).
struct ThresholdFacts {
  std::uint32_t count = 0;
  std::uint32_t distinct = 0;
  std::span<const std::string_view> values;
};

// A bounded output area: appends until full and remembers that it truncated.
class TextBuffer {
 public:
  TextBuffer(char* data, std::size_t capacity) : data_(data), capacity_(capacity) {}
  void append(std::string_view text);
  void append_integer(std::int64_t value);
  std::size_t size() const { return size_; }
  void truncate(std::size_t size) { size_ = size < size_ ? size : size_; }
  bool truncated() const { return truncated_; }
  std::string_view since(std::size_t start) const { return {data_ + start, size_ - start}; }

 private:
  char* data_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  bool truncated_ = false;
};

// Appends the rendered value to `out` and returns it.
std::string_view render(const MetadataTemplate& metadata, const Subjects& subjects, const ThresholdFacts& facts,
                        TextBuffer& out);

// Appends one field's text form (lists comma-separated).
void render_field(FieldType type, const FieldValue& value, TextBuffer& out);

}  // namespace spanwatch::rules
