// Fields of events::AppAnomaly.
#include "rules/field_table.hpp"

namespace spanwatch::rules {
namespace {

constexpr FieldSpec anomaly_fields[] = {
    member_field<&events::AppAnomaly::protocol>("protocol"),
    member_field<&events::AppAnomaly::event>("event"),
};

}  // namespace

std::span<const FieldSpec> fields_of(const events::AppAnomaly*) { return anomaly_fields; }

}  // namespace spanwatch::rules
