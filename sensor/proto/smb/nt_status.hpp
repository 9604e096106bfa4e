#pragma once
// NT status codes (MS-ERREF 2.3) and SMB1 DOS error classes (MS-CIFS 2.2.2.4) as one status type,
// with the names EVE prints, and the fact "this status says the credentials were refused".
#include <cstdint>

#include "events/smb.hpp"

namespace spanwatch::proto::smb {

namespace nt {
constexpr std::uint32_t success = 0x00000000, pending = 0x00000103, buffer_overflow = 0x80000005,
                        more_processing_required = 0xC0000016, access_denied = 0xC0000022,
                        no_such_user = 0xC0000064, wrong_password = 0xC000006A, logon_failure = 0xC000006D,
                        account_restriction = 0xC000006E, invalid_logon_hours = 0xC000006F,
                        invalid_workstation = 0xC0000070, password_expired = 0xC0000071,
                        account_disabled = 0xC0000072, account_expired = 0xC0000193,
                        password_must_change = 0xC0000224, account_locked_out = 0xC0000234,
                        user_session_deleted = 0xC0000203, network_session_expired = 0xC000035C;
}
namespace dos {
constexpr std::uint8_t class_success = 0x00, class_dos = 0x01, class_srv = 0x02, class_hrd = 0x03;
constexpr std::uint16_t srv_bad_password = 0x0002, srv_bad_uid = 0x005b;
}

// The status for an NT status code, named from the table ("UNKNOWN" otherwise).
events::smb::Status nt_status(std::uint32_t code);
// The status for an SMB1 DOS error (class, code): code (class << 16) | code, `dos` set. Class 0 is
// success and maps to STATUS_SUCCESS.
events::smb::Status dos_status(std::uint8_t error_class, std::uint16_t code);

// The credentials were refused (LOGON_FAILURE, WRONG_PASSWORD, ACCOUNT_LOCKED_OUT, ... and SMB1
// ERRSRV/ERRbadpw). Not ACCESS_DENIED: SMB3 multichannel session binding refusals carry it.
bool is_auth_failure(const events::smb::Status& status);
// STATUS_MORE_PROCESSING_REQUIRED: an intermediate session setup leg.
inline bool is_more_processing(const events::smb::Status& status) {
  return !status.dos && status.code == nt::more_processing_required;
}
inline bool is_success(const events::smb::Status& status) { return status.code == nt::success; }

}  // namespace spanwatch::proto::smb
