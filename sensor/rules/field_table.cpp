#include "rules/field_table.hpp"

#include <array>
#include <utility>

#include "rules/flow_context.hpp"

namespace spanwatch::rules {
namespace {

template <std::size_t... I>
constexpr std::array<std::string_view, event_type_count> names(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, events::Event>::name...};
}
constexpr auto type_names = names(std::make_index_sequence<event_type_count>{});

template <std::size_t... I>
std::array<std::span<const FieldSpec>, event_type_count> tables(std::index_sequence<I...>) {
  return {fields_of(static_cast<const std::variant_alternative_t<I, events::Event>*>(nullptr))...};
}

constexpr FieldSpec flow_table[] = {
    member_field<&FlowContext::client_ip>("src_ip"),
    member_field<&FlowContext::server_ip>("dest_ip"),
    member_field<&FlowContext::client_port>("src_port"),
    member_field<&FlowContext::server_port>("dest_port"),
    member_field<&FlowContext::vlan>("vlan"),
    member_field<&FlowContext::flow_id>("flow_id"),
};

}  // namespace

std::string_view name_of(FieldType type) {
  switch (type) {
    case FieldType::string: return "string";
    case FieldType::integer: return "integer";
    case FieldType::boolean: return "boolean";
    case FieldType::address: return "address";
    case FieldType::tls_version: return "tls version";
    case FieldType::string_list: return "string list";
    case FieldType::integer_list: return "integer list";
  }
  return "unknown";
}

std::optional<std::size_t> event_index(std::string_view dotted_name) {
  for (std::size_t i = 0; i < type_names.size(); ++i)
    if (type_names[i] == dotted_name) return i;
  return std::nullopt;
}

std::string_view event_type_name(std::size_t index) {
  return index < type_names.size() ? type_names[index] : std::string_view{};
}

std::span<const FieldSpec> event_fields(std::size_t index) {
  static const auto all = tables(std::make_index_sequence<event_type_count>{});
  return index < all.size() ? all[index] : std::span<const FieldSpec>{};
}

std::span<const FieldSpec> flow_fields() { return flow_table; }

const FieldSpec* find_field(std::span<const FieldSpec> table, std::string_view name) {
  for (const FieldSpec& spec : table)
    if (spec.name == name) return &spec;
  return nullptr;
}

const void* event_subject(const events::Event& event) {
  return std::visit([](const auto& e) -> const void* { return &e; }, event);
}

}  // namespace spanwatch::rules
