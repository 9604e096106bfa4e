#include <catch2/catch.hpp>

#include "proto/smb/der.hpp"
#include "proto/smb/nt_status.hpp"
#include "proto/smb/ntlmssp.hpp"
#include "proto/smb/probe.hpp"
#include "proto/smb/spnego.hpp"
#include "proto/smb/wire_nbss.hpp"
#include "proto/smb/wire_smb1.hpp"
#include "proto/smb/wire_smb2.hpp"
#include "smb1_builder.hpp"
#include "support/protocol_builders.hpp"

using namespace spanwatch;
using namespace spanwatch::proto::smb;
using spanwatch::testing::Frame;
namespace ntlm = spanwatch::testing::ntlmssp;
namespace spnego = spanwatch::testing::spnego;
namespace smb2 = spanwatch::testing::smb2;

namespace {

Frame authenticate(std::string_view user = "alice") {
  ntlm::AuthenticateSpec spec;
  spec.user = user;
  spec.target_info = ntlm::target_info({});
  return ntlm::authenticate(spec);
}
std::string utf8(core::Bytes utf16) {
  char out[256];
  return std::string(utf16le_to_utf8(utf16, out));
}

}  // namespace

TEST_CASE("NBSS headers: session messages with 24-bit lengths, other types validated") {
  CHECK(parse_nbss_header(Frame{0x00, 0x01, 0x00, 0x00})->length == 0x10000);
  CHECK(parse_nbss_header(Frame{0x85, 0, 0, 0})->type == NbssType::keep_alive);
  CHECK_FALSE(parse_nbss_header(Frame{0x42, 0, 0, 4}));
  CHECK_FALSE(parse_nbss_header(Frame{0x85, 0x80, 0, 0}));  // flags beyond the length extension
  CHECK_FALSE(parse_nbss_header(Frame{0x00, 0, 0}));
}

TEST_CASE("probe says yes to SMB1/SMB2 over NBSS and to session requests, no to other bytes") {
  const auto d = core::Direction::to_server;
  CHECK(probe_smb(d, Frame{0, 0, 0, 0x40, 0xfe, 'S', 'M', 'B'}) == proto::ProbeResult::yes);
  CHECK(probe_smb(d, Frame{0, 0, 0, 0x40, 0xff, 'S', 'M', 'B'}) == proto::ProbeResult::yes);
  CHECK(probe_smb(d, Frame{0, 0, 0, 0x40, 0xfe}) == proto::ProbeResult::maybe);
  CHECK(probe_smb(d, Frame{0, 0, 0, 0x40, 'G', 'E', 'T', ' '}) == proto::ProbeResult::no);
  CHECK(probe_smb(d, spanwatch::testing::Frame{'U', 'S', 'E', 'R'}) == proto::ProbeResult::no);
  Frame request{0x81, 0, 0, 68, 0x20};
  for (int i = 0; i < 32; ++i) request.push_back('E');
  CHECK(probe_smb(d, request) == proto::ProbeResult::yes);
}

TEST_CASE("SMB2 header: status, command, ids; a wrong structure size is rejected") {
  smb2::Header h;
  h.command = smb2::Command::session_setup;
  h.response = true;
  h.status = 0xC000006D;
  h.message_id = 77;
  h.session_id = 0x1122334455667788;
  const Frame message = smb2::header(h);
  const auto parsed = parse_smb2_header(message);
  REQUIRE(parsed);
  CHECK(parsed->status == 0xC000006D);
  CHECK(parsed->command == Smb2Command::session_setup);
  CHECK(parsed->message_id == 77);
  CHECK(parsed->session_id == 0x1122334455667788);
  CHECK(parsed->response());
  Frame bad = message;
  bad[4] = 65;
  CHECK_FALSE(parse_smb2_header(bad));
  CHECK_FALSE(parse_smb2_header(core::Bytes(message).first(63)));
}

TEST_CASE("SMB2 session setup with a security buffer offset past the message is rejected") {
  smb2::Header h;
  h.command = smb2::Command::session_setup;
  Frame message = smb2::header(h);
  spanwatch::testing::append(message, smb2::session_setup_request(Frame(10, 1)));
  CHECK(parse_smb2_session_setup_request(message)->security_blob.size() == 10);
  spanwatch::testing::patch_le16(message, 64 + 12, 0xfff0);
  CHECK_FALSE(parse_smb2_session_setup_request(message));
}

TEST_CASE("SMB1 header maps NT statuses and DOS error classes to one status type") {
  spanwatch::testing::smb1::Header h;
  h.reply = true;
  h.status = 0xC000006D;
  auto parsed = parse_smb1_header(spanwatch::testing::smb1::header(h));
  REQUIRE(parsed);
  CHECK(parsed->status.code == 0xC000006D);
  CHECK_FALSE(parsed->status.dos);
  parsed = parse_smb1_header(spanwatch::testing::smb1::header(spanwatch::testing::smb1::dos_error(h, 2, 2)));
  REQUIRE(parsed);
  CHECK(parsed->status.dos);
  CHECK(parsed->status.code == 0x00020002);
  CHECK(parsed->status.name == "SRV_BADPW");
  CHECK(is_auth_failure(parsed->status));
}

TEST_CASE("NT status table names the auth statuses and is_auth_failure excludes ACCESS_DENIED") {
  const std::pair<std::uint32_t, std::string_view> failures[] = {
      {0xC000006D, "STATUS_LOGON_FAILURE"},       {0xC0000064, "STATUS_NO_SUCH_USER"},
      {0xC000006A, "STATUS_WRONG_PASSWORD"},      {0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT"},
      {0xC0000072, "STATUS_ACCOUNT_DISABLED"},    {0xC000006E, "STATUS_ACCOUNT_RESTRICTION"},
      {0xC000006F, "STATUS_INVALID_LOGON_HOURS"}, {0xC0000070, "STATUS_INVALID_WORKSTATION"},
      {0xC0000071, "STATUS_PASSWORD_EXPIRED"},    {0xC0000193, "STATUS_ACCOUNT_EXPIRED"},
      {0xC0000224, "STATUS_PASSWORD_MUST_CHANGE"},
  };
  for (const auto& [code, name] : failures) {
    CHECK(nt_status(code).name == name);
    CHECK(is_auth_failure(nt_status(code)));
  }
  CHECK(nt_status(0xC0000022).name == "STATUS_ACCESS_DENIED");
  CHECK_FALSE(is_auth_failure(nt_status(0xC0000022)));
  CHECK_FALSE(is_auth_failure(nt_status(0xC0000016)));
  CHECK_FALSE(is_auth_failure(nt_status(0)));
  CHECK(nt_status(0x12345678).name == "UNKNOWN");
}

TEST_CASE("NTLMSSP AUTHENTICATE yields user, domain, workstation and NTLM version") {
  const Frame message = authenticate();
  const auto parsed = parse_ntlmssp_authenticate(message);
  REQUIRE(parsed);
  CHECK(utf8(parsed->user) == "alice");
  CHECK(utf8(parsed->domain) == "CORP");
  CHECK(utf8(parsed->workstation) == "WS042");
  CHECK(ntlm_version_of(*parsed) == events::smb::NtlmVersion::v2);
  CHECK_FALSE(is_anonymous(*parsed));
}

TEST_CASE("NTLMSSP AUTHENTICATE carries the client's VERSION structure when it flags one") {
  const auto parsed = parse_ntlmssp_authenticate(authenticate());
  REQUIRE(parsed);
  REQUIRE(parsed->version.present);
  CHECK(parsed->version.major == 10);
  CHECK(parsed->version.minor == 0);
  CHECK(parsed->version.build == 19041);
  CHECK(parsed->version.ntlm_revision == 15);

  ntlm::AuthenticateSpec unflagged;
  unflagged.flags = ntlm::client_flags & ~ntlm::flag::version;
  unflagged.target_info = ntlm::target_info({});
  const Frame unflagged_message = ntlm::authenticate(unflagged);  // the parse holds views into it
  const auto without = parse_ntlmssp_authenticate(unflagged_message);
  REQUIRE(without);
  CHECK_FALSE(without->version.present);
  CHECK(utf8(without->user) == "alice");
}

TEST_CASE("an NTLMSSP version flag is not trusted where the payload starts right after the flags") {
  // The same message with the 8 VERSION bytes cut out and every offset moved back: what a client
  // that sets the flag but sends no VERSION field looks like. Those bytes are payload, not a version.
  Frame message = authenticate();
  message.erase(message.begin() + 64, message.begin() + 72);
  for (std::size_t field = 0; field < 6; ++field) {
    const std::size_t at = 12 + field * 8 + 4;
    const std::uint32_t offset = static_cast<std::uint32_t>(message[at] | (message[at + 1] << 8));
    spanwatch::testing::patch_le32(message, at, offset - 8);
  }
  const auto parsed = parse_ntlmssp_authenticate(message);
  REQUIRE(parsed);
  CHECK_FALSE(parsed->version.present);
  CHECK(utf8(parsed->user) == "alice");
  CHECK(utf8(parsed->workstation) == "WS042");
}

TEST_CASE("NTLMSSP fields pointing outside the message are rejected, truncations too") {
  const Frame good = authenticate();
  Frame oversized_offset = good;
  spanwatch::testing::patch_le32(oversized_offset, 12 + 8 * 3 + 4, 0xfffffff0);  // user offset
  CHECK_FALSE(parse_ntlmssp_authenticate(oversized_offset));
  Frame oversized_length = good;
  spanwatch::testing::patch_le16(oversized_length, 12 + 8 * 3, 0xffff);  // user length
  CHECK_FALSE(parse_ntlmssp_authenticate(oversized_length));
  Frame end_past = good;  // offset inside, offset + length just past the end
  spanwatch::testing::patch_le32(end_past, 12 + 8 * 3 + 4, static_cast<std::uint32_t>(good.size() - 1));
  spanwatch::testing::patch_le16(end_past, 12 + 8 * 3, 2);
  CHECK_FALSE(parse_ntlmssp_authenticate(end_past));
  for (std::size_t n = 0; n < 40; ++n) CHECK_FALSE(parse_ntlmssp_authenticate(core::Bytes(good).first(n)));
  CHECK_FALSE(parse_ntlmssp_authenticate(ntlm::negotiate()));
  CHECK(parse_ntlmssp_challenge(ntlm::challenge({})));
}

TEST_CASE("UTF-16LE names become UTF-8, bounded by the output, odd bytes dropped") {
  const Frame text{'J', 0, 0xfc, 0, 'r', 0, 'g', 0, 0x3d, 0xd8, 0x00, 0xde, 'x'};  // "Jürg" + U+1F600 + odd byte
  CHECK(utf8(text) == "J\xc3\xbcrg\xf0\x9f\x98\x80");
  char small[4];
  CHECK(utf16le_to_utf8(text, small) == "J\xc3\xbcr");
  char tiny[2];
  CHECK(utf16le_to_utf8(text, tiny) == "J");  // never a partial code point
  const Frame lone_surrogate{0x3d, 0xd8, 'a', 0};
  CHECK(utf8(lone_surrogate) == "\xef\xbf\xbd" "a");
}

TEST_CASE("DER reader refuses lengths past the input and indefinite lengths") {
  const Frame good{0x04, 0x02, 0xaa, 0xbb};
  DerReader ok(good);
  const auto element = ok.next();
  REQUIRE(element);
  CHECK(element->tag == 0x04);
  CHECK(element->value.size() == 2);
  const Frame short_value{0x04, 0x05, 0xaa};
  DerReader past(short_value);
  CHECK_FALSE(past.next());
  CHECK(past.failed());
  const Frame indefinite_length{0x30, 0x80, 0, 0};
  DerReader indefinite(indefinite_length);
  CHECK_FALSE(indefinite.next());
  const Frame huge_length{0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0};
  DerReader huge(huge_length);
  CHECK_FALSE(huge.next());
}

TEST_CASE("SPNEGO negTokenInit and negTokenResp unwrap to the NTLMSSP token and negState") {
  const Frame auth = authenticate();
  const Frame init_blob = spnego::neg_token_init(ntlm::negotiate());
  const auto init = parse_security_blob(init_blob);
  REQUIRE(init);
  CHECK(init->spnego);
  CHECK(init->mechanism == events::smb::Mechanism::ntlmssp);
  CHECK(ntlmssp_message_type(init->ntlmssp) == NtlmMessageType::negotiate);
  const Frame resp_blob = spnego::neg_token_resp(spnego::NegState::accept_incomplete, true, auth);
  const auto resp = parse_security_blob(resp_blob);
  REQUIRE(resp);
  CHECK(resp->neg_state == NegState::accept_incomplete);
  CHECK(ntlmssp_message_type(resp->ntlmssp) == NtlmMessageType::authenticate);
  const auto raw = parse_security_blob(auth);
  REQUIRE(raw);
  CHECK_FALSE(raw->spnego);
  CHECK(raw->mechanism == events::smb::Mechanism::ntlmssp);
  // Truncated DER at every length: never a crash, never a token pointing outside.
  const Frame blob = spnego::neg_token_resp(spnego::NegState::accept_incomplete, true, auth);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    const auto token = parse_security_blob(core::Bytes(blob).first(n));
    if (token && !token->ntlmssp.empty()) CHECK(token->ntlmssp.data() + token->ntlmssp.size() <= blob.data() + n);
  }
}

TEST_CASE("a Kerberos AP-REQ in SPNEGO is mechanism kerberos with realm and service principal") {
  using spnego::der;
  const Frame realm = der(0x1b, spanwatch::testing::Frame{'C', 'O', 'R', 'P', '.', 'T', 'E', 'S', 'T'});
  Frame names = der(0x1b, Frame{'c', 'i', 'f', 's'});
  spanwatch::testing::append(names, der(0x1b, Frame{'f', 's', '0', '1'}));
  Frame principal = der(0xa0, der(0x02, Frame{2}));
  spanwatch::testing::append(principal, der(0xa1, der(0x30, names)));
  Frame ticket_fields = der(0xa0, der(0x02, Frame{5}));
  spanwatch::testing::append(ticket_fields, der(0xa1, realm));
  spanwatch::testing::append(ticket_fields, der(0xa2, der(0x30, principal)));
  const Frame ticket = der(0x61, der(0x30, ticket_fields));
  Frame ap_fields = der(0xa0, der(0x02, Frame{5}));
  spanwatch::testing::append(ap_fields, der(0xa1, der(0x02, Frame{14})));
  spanwatch::testing::append(ap_fields, der(0xa3, ticket));
  Frame gss{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01, 0x00};
  spanwatch::testing::append(gss, der(0x6e, der(0x30, ap_fields)));
  const Frame mech_token = der(0x60, gss);
  // negTokenInit listing Kerberos, carrying the AP-REQ.
  Frame fields = der(0xa0, der(0x30, Frame{0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02}));
  spanwatch::testing::append(fields, der(0xa2, der(0x04, mech_token)));
  Frame inner = spnego::spnego_oid();
  spanwatch::testing::append(inner, der(0xa0, der(0x30, fields)));
  const Frame blob = der(0x60, inner);
  const auto token = parse_security_blob(blob);
  REQUIRE(token);
  CHECK(token->mechanism == events::smb::Mechanism::kerberos);
  REQUIRE(token->kerberos);
  CHECK(core::as_chars(token->kerberos->realm) == "CORP.TEST");
  REQUIRE(token->kerberos->sname_count == 2);
  CHECK(core::as_chars(token->kerberos->sname[0]) == "cifs");
  CHECK(core::as_chars(token->kerberos->sname[1]) == "fs01");
}
