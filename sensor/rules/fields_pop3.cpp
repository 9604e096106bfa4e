// Fields of the POP3 events (events/pop3.hpp). Secrets are not fields: rules see that one crossed.
#include "rules/field_table.hpp"

namespace spanwatch::rules {
namespace {

using namespace events::pop3;

constexpr FieldSpec request_fields[] = {
    member_field<&Request::command>("command"),
    member_field<&Request::arguments>("arguments"),
    member_field<&Request::truncated>("truncated"),
};

constexpr FieldSpec response_fields[] = {
    member_field<&Response::command>("command"),
    member_field<&Response::command_arguments>("command_arguments"),
    member_field<&Response::status>("status"),
    member_field<&Response::header>("header"),
    member_field<&Response::data>("data"),
    member_field<&Response::data_truncated>("data_truncated"),
    member_field<&Response::data_lines>("data_lines"),
};

constexpr FieldSpec login_fields[] = {
    member_field<&Login::mechanism>("mechanism"),
    member_field<&Login::mechanism_name>("mechanism_name"),
    member_field<&Login::user>("user"),
    member_field<&Login::user_truncated>("user_truncated"),
    member_field<&Login::secret_seen>("secret_seen"),
    member_field<&Login::secret_in_clear>("secret_in_clear"),
    member_field<&Login::secret_masked>("secret_masked"),
    member_field<&Login::outcome>("outcome"),
    member_field<&Login::cleartext>("cleartext"),
};

constexpr FieldSpec starttls_fields[] = {
    member_field<&StartTls::accepted>("accepted"),
};

}  // namespace

std::span<const FieldSpec> fields_of(const Request*) { return request_fields; }
std::span<const FieldSpec> fields_of(const Response*) { return response_fields; }
std::span<const FieldSpec> fields_of(const Login*) { return login_fields; }
std::span<const FieldSpec> fields_of(const StartTls*) { return starttls_fields; }

}  // namespace spanwatch::rules
