#pragma once
// Reflection of event fields for rules: a FieldSpec names a field, says how rules compare it and
// reads it out of an event (or a FlowContext) into a FieldValue without allocating. Field tables are
// built once per event type (fields_<proto>.cpp); rules resolve names against them at compile time.
#include <concepts>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/ip_address.hpp"

namespace spanwatch::rules {

enum class FieldType : std::uint8_t {
  string,
  integer,
  boolean,
  address,
  tls_version,   // an integer code point compared by protocol order (SSLv2 < SSLv3 < TLS 1.0 ... < 1.3)
  string_list,
  integer_list,
};

std::string_view name_of(FieldType type);

// One field's value; only the member that matches the FieldSpec's type is set. Views point into
// the event and are valid as long as the event is.
struct FieldValue {
  std::string_view text;
  std::int64_t integer = 0;
  bool boolean = false;
  core::IpAddress address;
  std::span<const std::uint16_t> integers;
  std::span<const std::string_view> strings;
};

// Reads the field from `subject` (the event struct, or a FlowContext); false when the event does not
// carry it this time (an address a command did not announce, a version a hello did not offer).
using FieldGetter = bool (*)(const void* subject, FieldValue& out);

struct FieldSpec {
  std::string_view name;
  FieldType type;
  FieldGetter get;
};

// Building blocks for the tables: `member_field<&T::m>("m")` reads a member and deduces its type.
namespace field_detail {

template <class C, class M>
C class_of(M C::*);

inline void assign(FieldValue& out, std::string_view v) { out.text = v; }
inline void assign(FieldValue& out, bool v) { out.boolean = v; }
inline void assign(FieldValue& out, const core::IpAddress& v) { out.address = v; }
inline void assign(FieldValue& out, std::span<const std::uint16_t> v) { out.integers = v; }
inline void assign(FieldValue& out, std::span<const std::string_view> v) { out.strings = v; }
template <class I>
  requires(std::integral<I> && !std::same_as<I, bool>)
void assign(FieldValue& out, I v) {
  out.integer = static_cast<std::int64_t>(v);
}
template <class E>
  requires std::is_enum_v<E>
void assign(FieldValue& out, E v) {
  out.text = name_of(v);  // every event enum has a name_of next to it
}

template <class M>
constexpr FieldType type_of() {
  if constexpr (std::is_same_v<M, std::string_view> || std::is_enum_v<M>) return FieldType::string;
  else if constexpr (std::is_same_v<M, bool>) return FieldType::boolean;
  else if constexpr (std::is_same_v<M, core::IpAddress>) return FieldType::address;
  else if constexpr (std::is_same_v<M, std::span<const std::uint16_t>>) return FieldType::integer_list;
  else if constexpr (std::is_same_v<M, std::span<const std::string_view>>) return FieldType::string_list;
  else return FieldType::integer;
}

template <auto Member>
bool read_member(const void* subject, FieldValue& out) {
  using C = decltype(class_of(Member));
  assign(out, static_cast<const C*>(subject)->*Member);
  return true;
}

// A version member: absent when zero (the hello did not say).
template <auto Member>
bool read_version(const void* subject, FieldValue& out) {
  using C = decltype(class_of(Member));
  out.integer = static_cast<const C*>(subject)->*Member;
  return out.integer != 0;
}

}  // namespace field_detail

template <auto Member>
constexpr FieldSpec member_field(std::string_view name) {
  using C = decltype(field_detail::class_of(Member));
  using M = std::remove_cvref_t<decltype(std::declval<const C&>().*Member)>;
  return {name, field_detail::type_of<M>(), &field_detail::read_member<Member>};
}

template <auto Member>
constexpr FieldSpec version_field(std::string_view name) {
  return {name, FieldType::tls_version, &field_detail::read_version<Member>};
}

}  // namespace spanwatch::rules
