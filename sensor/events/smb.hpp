#pragma once
// SMB facts (MS-CIFS, MS-SMB2, MS-NLMP). Filled in by the SMB work; see proto/smb/.
#include <string_view>

namespace spanwatch::events::smb {

struct Negotiate { static constexpr std::string_view name = "smb.negotiate"; };
struct SessionSetup { static constexpr std::string_view name = "smb.session_setup"; };
struct TreeConnect { static constexpr std::string_view name = "smb.tree_connect"; };

}  // namespace spanwatch::events::smb
