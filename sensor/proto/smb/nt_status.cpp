#include "proto/smb/nt_status.hpp"

#include <array>
#include <string_view>

namespace spanwatch::proto::smb {
namespace {

struct NamedCode {
  std::uint32_t code;
  std::string_view name;
};

constexpr std::array nt_names{
    NamedCode{nt::success, "STATUS_SUCCESS"},
    NamedCode{nt::pending, "STATUS_PENDING"},
    NamedCode{0x00000104, "STATUS_REPARSE"},
    NamedCode{0x0000010B, "STATUS_NOTIFY_CLEANUP"},
    NamedCode{0x0000010C, "STATUS_NOTIFY_ENUM_DIR"},
    NamedCode{nt::buffer_overflow, "STATUS_BUFFER_OVERFLOW"},
    NamedCode{0x80000006, "STATUS_NO_MORE_FILES"},
    NamedCode{0xC0000001, "STATUS_UNSUCCESSFUL"},
    NamedCode{0xC0000002, "STATUS_NOT_IMPLEMENTED"},
    NamedCode{0xC0000003, "STATUS_INVALID_INFO_CLASS"},
    NamedCode{0xC0000008, "STATUS_INVALID_HANDLE"},
    NamedCode{0xC000000D, "STATUS_INVALID_PARAMETER"},
    NamedCode{0xC000000F, "STATUS_NO_SUCH_FILE"},
    NamedCode{0xC0000010, "STATUS_INVALID_DEVICE_REQUEST"},
    NamedCode{0xC0000011, "STATUS_END_OF_FILE"},
    NamedCode{nt::more_processing_required, "STATUS_MORE_PROCESSING_REQUIRED"},
    NamedCode{nt::access_denied, "STATUS_ACCESS_DENIED"},
    NamedCode{0xC0000023, "STATUS_BUFFER_TOO_SMALL"},
    NamedCode{0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
    NamedCode{0xC0000035, "STATUS_OBJECT_NAME_COLLISION"},
    NamedCode{0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND"},
    NamedCode{0xC0000043, "STATUS_SHARING_VIOLATION"},
    NamedCode{0xC0000061, "STATUS_PRIVILEGE_NOT_HELD"},
    NamedCode{nt::no_such_user, "STATUS_NO_SUCH_USER"},
    NamedCode{nt::wrong_password, "STATUS_WRONG_PASSWORD"},
    NamedCode{0xC000006C, "STATUS_PASSWORD_RESTRICTION"},
    NamedCode{nt::logon_failure, "STATUS_LOGON_FAILURE"},
    NamedCode{nt::account_restriction, "STATUS_ACCOUNT_RESTRICTION"},
    NamedCode{nt::invalid_logon_hours, "STATUS_INVALID_LOGON_HOURS"},
    NamedCode{nt::invalid_workstation, "STATUS_INVALID_WORKSTATION"},
    NamedCode{nt::password_expired, "STATUS_PASSWORD_EXPIRED"},
    NamedCode{nt::account_disabled, "STATUS_ACCOUNT_DISABLED"},
    NamedCode{0xC00000BA, "STATUS_FILE_IS_A_DIRECTORY"},
    NamedCode{0xC00000BB, "STATUS_NOT_SUPPORTED"},
    NamedCode{0xC00000C9, "STATUS_NETWORK_NAME_DELETED"},
    NamedCode{0xC00000CC, "STATUS_BAD_NETWORK_NAME"},
    NamedCode{0xC0000120, "STATUS_CANCELLED"},
    NamedCode{0xC0000128, "STATUS_FILE_CLOSED"},
    NamedCode{0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED"},
    NamedCode{nt::account_expired, "STATUS_ACCOUNT_EXPIRED"},
    NamedCode{nt::user_session_deleted, "STATUS_USER_SESSION_DELETED"},
    NamedCode{nt::password_must_change, "STATUS_PASSWORD_MUST_CHANGE"},
    NamedCode{nt::account_locked_out, "STATUS_ACCOUNT_LOCKED_OUT"},
    NamedCode{0xC0000225, "STATUS_NOT_FOUND"},
    NamedCode{0xC0000257, "STATUS_PATH_NOT_COVERED"},
    NamedCode{0xC000035C, "STATUS_NETWORK_SESSION_EXPIRED"},
    NamedCode{0xC000A000, "STATUS_INVALID_SIGNATURE"},
};

// Names as Suricata prints SMB1 DOS errors (class prefix + code), e.g. SRV_BADUID.
constexpr std::array dos_names{
    NamedCode{0x00010001, "DOS_BADFUNC"},     NamedCode{0x00010002, "DOS_BADFILE"},
    NamedCode{0x00010003, "DOS_BADPATH"},     NamedCode{0x00010005, "DOS_NOACCESS"},
    NamedCode{0x00010006, "DOS_BADFID"},      NamedCode{0x00010016, "DOS_BADACCESS"},
    NamedCode{0x00010050, "DOS_FILEEXISTS"},  NamedCode{0x00020001, "SRV_ERROR"},
    NamedCode{0x00020002, "SRV_BADPW"},       NamedCode{0x00020004, "SRV_ACCESS"},
    NamedCode{0x00020005, "SRV_INVTID"},      NamedCode{0x00020006, "SRV_INVNETNAME"},
    NamedCode{0x00020016, "SRV_BADTYPE"},     NamedCode{0x00020031, "SRV_SMBCMD"},
    NamedCode{0x0002005b, "SRV_BADUID"},      NamedCode{0x0002005c, "SRV_BADUID"},
    NamedCode{0x000200fb, "SRV_USESTD"},      NamedCode{0x00020ffe, "SRV_NOSUPPORT"},
    NamedCode{0x00030013, "HRD_WRITEPROTECT"}, NamedCode{0x0003001f, "HRD_GENERAL"},
};

template <std::size_t N>
std::string_view lookup(const std::array<NamedCode, N>& table, std::uint32_t code) {
  for (const auto& entry : table) {
    if (entry.code == code) return entry.name;
  }
  return "UNKNOWN";
}

}  // namespace

events::smb::Status nt_status(std::uint32_t code) { return {code, false, lookup(nt_names, code)}; }

events::smb::Status dos_status(std::uint8_t error_class, std::uint16_t code) {
  if (error_class == dos::class_success) return nt_status(nt::success);
  const std::uint32_t combined = (std::uint32_t{error_class} << 16) | code;
  return {combined, true, lookup(dos_names, combined)};
}

bool is_auth_failure(const events::smb::Status& status) {
  if (status.dos) return status.code == ((std::uint32_t{dos::class_srv} << 16) | dos::srv_bad_password);
  switch (status.code) {
    case nt::logon_failure:
    case nt::no_such_user:
    case nt::wrong_password:
    case nt::account_locked_out:
    case nt::account_disabled:
    case nt::account_restriction:
    case nt::invalid_logon_hours:
    case nt::invalid_workstation:
    case nt::password_expired:
    case nt::account_expired:
    case nt::password_must_change:
      return true;
    default:
      return false;
  }
}

}  // namespace spanwatch::proto::smb
