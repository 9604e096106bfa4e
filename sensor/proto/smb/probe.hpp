#pragma once
// Recognition of SMB by content: a NetBIOS session message (0x00 + 24-bit length) carrying
// \xffSMB, \xfeSMB or \xfdSMB, or a NetBIOS session request (0x81) as clients send first on port 139.
#include "core/bytes.hpp"
#include "core/direction.hpp"
#include "proto/probe.hpp"

namespace spanwatch::proto::smb {

ProbeResult probe_smb(core::Direction direction, core::Bytes first_bytes);

}  // namespace spanwatch::proto::smb
