// Fields of the FTP events (events/ftp.hpp). Passwords are not fields: rules see that one was sent.
#include "rules/field_table.hpp"

namespace spanwatch::rules {
namespace {

using namespace events::ftp;

// The announced address exists only when the command carried a well-formed one.
bool announced_address(const void* subject, FieldValue& out) {
  const auto& e = *static_cast<const DataChannel*>(subject);
  out.address = e.address;
  return e.valid && e.has_address;
}

constexpr FieldSpec request_fields[] = {
    member_field<&Request::command>("command"),
    member_field<&Request::arguments>("arguments"),
    member_field<&Request::truncated>("truncated"),
};

constexpr FieldSpec reply_fields[] = {
    member_field<&Reply::command>("command"),
    member_field<&Reply::command_arguments>("command_arguments"),
    member_field<&Reply::code>("code"),
    member_field<&Reply::codes>("codes"),
    member_field<&Reply::lines>("lines"),
    member_field<&Reply::reply_truncated>("reply_truncated"),
    member_field<&Reply::mode>("mode"),
    member_field<&Reply::data_port>("data_port"),
};

constexpr FieldSpec login_fields[] = {
    member_field<&Login::user>("user"),
    member_field<&Login::user_truncated>("user_truncated"),
    member_field<&Login::password_seen>("password_seen"),
    member_field<&Login::password_masked>("password_masked"),
    member_field<&Login::account_seen>("account_seen"),
    member_field<&Login::anonymous>("anonymous"),
    member_field<&Login::guest>("guest"),
    member_field<&Login::outcome>("outcome"),
    member_field<&Login::reply_code>("reply_code"),
    member_field<&Login::cleartext>("cleartext"),
};

constexpr FieldSpec data_channel_fields[] = {
    member_field<&DataChannel::mode>("mode"),
    member_field<&DataChannel::command>("command"),
    member_field<&DataChannel::argument>("argument"),
    member_field<&DataChannel::valid>("valid"),
    member_field<&DataChannel::has_address>("has_address"),
    {"address", FieldType::address, &announced_address},
    member_field<&DataChannel::port>("port"),
};

}  // namespace

std::span<const FieldSpec> fields_of(const Request*) { return request_fields; }
std::span<const FieldSpec> fields_of(const Reply*) { return reply_fields; }
std::span<const FieldSpec> fields_of(const Login*) { return login_fields; }
std::span<const FieldSpec> fields_of(const DataChannel*) { return data_channel_fields; }

}  // namespace spanwatch::rules
