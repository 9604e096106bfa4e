#pragma once
// Everything a test needs to build application payloads byte for byte: FTP/POP3 lines, DNS, SMB2 with
// SPNEGO-wrapped NTLMSSP, TLS records and hellos, a fixed DER certificate, and TCP conversations.
#include "support/dns_builder.hpp"
#include "support/line_protocol_builder.hpp"
#include "support/ntlmssp_builder.hpp"
#include "support/smb2_builder.hpp"
#include "support/tcp_conversation.hpp"
#include "support/test_certificate.hpp"
#include "support/tls_builder.hpp"
