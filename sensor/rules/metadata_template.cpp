#include "rules/metadata_template.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "rules/address_groups.hpp"
#include "rules/tls_version.hpp"

namespace spanwatch::rules {

void TextBuffer::append(std::string_view text) {
  const std::size_t n = std::min(text.size(), capacity_ - size_);
  if (n != 0) std::memcpy(data_ + size_, text.data(), n);  // an empty view may hold a null pointer
  size_ += n;
  truncated_ = truncated_ || n < text.size();
}

void TextBuffer::append_integer(std::int64_t value) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  if (error == std::errc{}) append({digits, static_cast<std::size_t>(end - digits)});
}

namespace {

void append_hex(std::int64_t value, TextBuffer& out) {
  char digits[20] = {'0', 'x'};
  auto [end, error] = std::to_chars(digits + 2, digits + sizeof digits, static_cast<std::uint64_t>(value), 16);
  if (error != std::errc{}) return;
  const std::size_t length = static_cast<std::size_t>(end - (digits + 2));
  if (length < 4) {  // zero-pad to four digits, as cipher suites and versions are written
    std::memmove(digits + 2 + (4 - length), digits + 2, length);
    std::memset(digits + 2, '0', 4 - length);
    end = digits + 6;
  }
  out.append({digits, static_cast<std::size_t>(end - digits)});
}

void append_version(std::int64_t code, TextBuffer& out) {
  if (const auto name = tls_version_name(static_cast<std::uint16_t>(code))) {
    out.append(*name);
  } else {
    append_hex(code, out);
  }
}

}  // namespace

void render_field(FieldType type, const FieldValue& value, TextBuffer& out) {
  switch (type) {
    case FieldType::string: out.append(value.text); break;
    case FieldType::integer: out.append_integer(value.integer); break;
    case FieldType::tls_version: append_version(value.integer, out); break;
    case FieldType::boolean: out.append(value.boolean ? "true" : "false"); break;
    case FieldType::address: {
      char text[core::IpAddress::text_size];
      out.append(value.address.to_chars(text));
      break;
    }
    case FieldType::string_list:
      for (std::size_t i = 0; i < value.strings.size(); ++i) {
        if (i > 0) out.append(",");
        out.append(value.strings[i]);
      }
      break;
    case FieldType::integer_list:
      for (std::size_t i = 0; i < value.integers.size(); ++i) {
        if (i > 0) out.append(",");
        out.append_integer(value.integers[i]);
      }
      break;
  }
}

std::string_view render(const MetadataTemplate& metadata, const Subjects& subjects, const ThresholdFacts& facts,
                        TextBuffer& out) {
  const std::size_t start = out.size();
  for (const TemplatePart& part : metadata.parts) {
    FieldValue value;
    const bool needs_field = part.kind == TemplatePartKind::field || part.kind == TemplatePartKind::address_class ||
                             part.kind == TemplatePartKind::hex;
    if (needs_field && !subjects.read(part.field, value)) {
      out.append("unknown");
      continue;
    }
    switch (part.kind) {
      case TemplatePartKind::literal: out.append(part.literal); break;
      case TemplatePartKind::field: render_field(part.field.spec->type, value, out); break;
      case TemplatePartKind::address_class: out.append(address_class(value.address)); break;
      case TemplatePartKind::hex: append_hex(value.integer, out); break;
      case TemplatePartKind::threshold_count: out.append_integer(facts.count); break;
      case TemplatePartKind::threshold_distinct: out.append_integer(facts.distinct); break;
      case TemplatePartKind::threshold_values:
        for (std::size_t i = 0; i < facts.values.size(); ++i) {
          if (i > 0) out.append(",");
          out.append(facts.values[i]);
        }
        break;
    }
  }
  const std::string_view rendered = out.since(start);
  for (const auto& [from, to] : metadata.map) {
    if (from != rendered) continue;
    out.truncate(start);
    out.append(to);
    break;
  }
  return out.since(start);
}

}  // namespace spanwatch::rules
