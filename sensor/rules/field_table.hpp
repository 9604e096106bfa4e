#pragma once
// Which fields rules may name, per event type (indexed like events::Event's alternatives) and for
// the flow. Tables are static and immutable; names are as written in rule files ("user",
// "status.name"). Flow fields are named without their "flow." prefix here.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "events/event.hpp"
#include "rules/field.hpp"

namespace spanwatch::rules {

inline constexpr std::size_t event_type_count = std::variant_size_v<events::Event>;

// The variant index of the event type with this dotted name ("smb.session_setup").
std::optional<std::size_t> event_index(std::string_view dotted_name);
std::string_view event_type_name(std::size_t index);
std::span<const FieldSpec> event_fields(std::size_t index);
std::span<const FieldSpec> flow_fields();  // subject: FlowContext
const FieldSpec* find_field(std::span<const FieldSpec> table, std::string_view name);
// The event struct inside the variant, as the subject its getters read.
const void* event_subject(const events::Event& event);

// One table per event type, defined in fields_<proto>.cpp (the pointer only selects the overload).
std::span<const FieldSpec> fields_of(const events::AppAnomaly*);
std::span<const FieldSpec> fields_of(const events::ftp::Request*);
std::span<const FieldSpec> fields_of(const events::ftp::Reply*);
std::span<const FieldSpec> fields_of(const events::ftp::Login*);
std::span<const FieldSpec> fields_of(const events::ftp::DataChannel*);
std::span<const FieldSpec> fields_of(const events::pop3::Request*);
std::span<const FieldSpec> fields_of(const events::pop3::Response*);
std::span<const FieldSpec> fields_of(const events::pop3::Login*);
std::span<const FieldSpec> fields_of(const events::pop3::StartTls*);
std::span<const FieldSpec> fields_of(const events::smb::Negotiate*);
std::span<const FieldSpec> fields_of(const events::smb::SessionSetup*);
std::span<const FieldSpec> fields_of(const events::smb::TreeConnect*);
std::span<const FieldSpec> fields_of(const events::tls::ClientHello*);
std::span<const FieldSpec> fields_of(const events::tls::ServerHello*);
std::span<const FieldSpec> fields_of(const events::tls::Certificate*);
std::span<const FieldSpec> fields_of(const events::tls::Alert*);
std::span<const FieldSpec> fields_of(const events::tls::Handshake*);

}  // namespace spanwatch::rules
