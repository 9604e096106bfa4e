#include "proto/smb/spnego.hpp"

#include <algorithm>

#include "proto/smb/der.hpp"
#include "proto/smb/ntlmssp.hpp"

namespace spanwatch::proto::smb {
namespace {

using events::smb::Mechanism;

constexpr std::uint8_t spnego_oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};                     // 1.3.6.1.5.5.2
constexpr std::uint8_t krb5_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};     // 1.2.840.113554.1.2.2
constexpr std::uint8_t ms_krb5_oid[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};  // 1.2.840.48018.1.2.2
constexpr std::uint8_t ntlmssp_oid[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
constexpr std::uint8_t ap_req_tag = der_tag::application(14);
constexpr std::uint8_t ticket_tag = der_tag::application(1);

template <std::size_t N>
bool equals(core::Bytes bytes, const std::uint8_t (&expected)[N]) {
  return bytes.size() == N && std::equal(bytes.begin(), bytes.end(), expected);
}
bool is_kerberos_oid(core::Bytes oid) { return equals(oid, krb5_oid) || equals(oid, ms_krb5_oid); }

// A mechanism token inside SPNEGO: NTLMSSP or Kerberos.
void classify_mech_token(core::Bytes token, SecurityToken& out) {
  if (is_ntlmssp(token)) {
    out.mechanism = Mechanism::ntlmssp;
    out.ntlmssp = token;
    return;
  }
  if (auto ap_req = parse_kerberos_token(token)) {
    out.mechanism = Mechanism::kerberos;
    out.kerberos = ap_req;
  }
}

// negTokenInit ::= SEQUENCE { mechTypes [0], reqFlags [1], mechToken [2], mechListMIC [3] }
void parse_neg_token_init(core::Bytes value, SecurityToken& out) {
  DerReader outer(value);
  const auto sequence = outer.next_if(der_tag::sequence);
  if (!sequence) return;
  DerReader fields(sequence->value);
  while (auto field = fields.next()) {
    if (field->tag == der_tag::context(0)) {
      // The first mechanism listed is the one the token (if any) is for.
      DerReader list(field->value);
      const auto mechs = list.next_if(der_tag::sequence);
      if (!mechs) continue;
      DerReader oids(mechs->value);
      if (const auto first = oids.next_if(der_tag::oid)) {
        if (equals(first->value, ntlmssp_oid)) out.mechanism = Mechanism::ntlmssp;
        if (is_kerberos_oid(first->value)) out.mechanism = Mechanism::kerberos;
      }
    } else if (field->tag == der_tag::context(2)) {
      DerReader token(field->value);
      if (const auto octets = token.next_if(der_tag::octet_string)) classify_mech_token(octets->value, out);
    }
  }
}

// negTokenResp ::= SEQUENCE { negState [0], supportedMech [1], responseToken [2], mechListMIC [3] }
void parse_neg_token_resp(core::Bytes value, SecurityToken& out) {
  DerReader outer(value);
  const auto sequence = outer.next_if(der_tag::sequence);
  if (!sequence) return;
  DerReader fields(sequence->value);
  while (auto field = fields.next()) {
    DerReader inner(field->value);
    if (field->tag == der_tag::context(0)) {
      if (const auto state = inner.next_if(der_tag::enumerated)) {
        const auto number = der_small_integer(state->value);
        if (number && *number >= 0 && *number <= 3) out.neg_state = static_cast<NegState>(*number);
      }
    } else if (field->tag == der_tag::context(1)) {
      if (const auto oid = inner.next_if(der_tag::oid)) {
        if (equals(oid->value, ntlmssp_oid)) out.mechanism = Mechanism::ntlmssp;
        if (is_kerberos_oid(oid->value)) out.mechanism = Mechanism::kerberos;
      }
    } else if (field->tag == der_tag::context(2)) {
      if (const auto octets = inner.next_if(der_tag::octet_string)) classify_mech_token(octets->value, out);
    }
  }
}

// Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }
void parse_ticket(core::Bytes value, KerberosApReq& out) {
  DerReader outer(value);
  const auto sequence = outer.next_if(der_tag::sequence);
  if (!sequence) return;
  DerReader fields(sequence->value);
  while (auto field = fields.next()) {
    DerReader inner(field->value);
    if (field->tag == der_tag::context(1)) {
      if (const auto realm = inner.next_if(der_tag::general_string)) out.realm = realm->value;
    } else if (field->tag == der_tag::context(2)) {
      // PrincipalName ::= SEQUENCE { name-type [0], name-string [1] SEQUENCE OF GeneralString }
      const auto name = inner.next_if(der_tag::sequence);
      if (!name) continue;
      DerReader parts(name->value);
      const auto strings = parts.find(der_tag::context(1));
      if (!strings) continue;
      DerReader list(*strings);
      const auto sequence_of = list.next_if(der_tag::sequence);
      if (!sequence_of) continue;
      DerReader components(sequence_of->value);
      while (auto component = components.next_if(der_tag::general_string)) {
        if (out.sname_count == out.sname.size()) break;
        out.sname[out.sname_count++] = component->value;
      }
    }
  }
}

std::optional<KerberosApReq> parse_ap_req(core::Bytes value) {
  // AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2], ticket [3], ... }
  DerReader outer(value);
  const auto sequence = outer.next_if(der_tag::sequence);
  if (!sequence) return std::nullopt;
  DerReader fields(sequence->value);
  const auto ticket_field = fields.find(der_tag::context(3));
  KerberosApReq out;
  if (ticket_field) {
    DerReader ticket(*ticket_field);
    if (const auto t = ticket.next_if(ticket_tag)) parse_ticket(t->value, out);
  }
  return out;
}

}  // namespace

std::optional<KerberosApReq> parse_kerberos_token(core::Bytes token) {
  DerReader reader(token);
  if (const auto bare = reader.next_if(ap_req_tag)) return parse_ap_req(bare->value);
  const auto gss = reader.next_if(der_tag::application(0));
  if (!gss) return std::nullopt;
  DerReader inner(gss->value);
  const auto oid = inner.next_if(der_tag::oid);
  if (!oid || !is_kerberos_oid(oid->value)) return std::nullopt;
  // RFC 1964 token id: 01 00 is KRB_AP_REQ.
  const core::Bytes rest = inner.rest();
  if (rest.size() < 2 || rest[0] != 0x01 || rest[1] != 0x00) return std::nullopt;
  DerReader body(rest.subspan(2));
  const auto ap_req = body.next_if(ap_req_tag);
  if (!ap_req) return std::nullopt;
  return parse_ap_req(ap_req->value);
}

std::optional<SecurityToken> parse_security_blob(core::Bytes blob) {
  SecurityToken out;
  if (is_ntlmssp(blob)) {
    out.mechanism = Mechanism::ntlmssp;
    out.ntlmssp = blob;
    return out;
  }
  DerReader reader(blob);
  const auto element = reader.next();
  if (!element) return std::nullopt;
  if (element->tag == der_tag::application(0)) {
    DerReader inner(element->value);
    const auto oid = inner.next_if(der_tag::oid);
    if (!oid) return std::nullopt;
    if (is_kerberos_oid(oid->value)) {
      auto ap_req = parse_kerberos_token(blob);
      if (!ap_req) return std::nullopt;
      out.mechanism = Mechanism::kerberos;
      out.kerberos = ap_req;
      return out;
    }
    if (!equals(oid->value, spnego_oid)) return std::nullopt;
    out.spnego = true;
    const auto init = inner.next_if(der_tag::context(0));
    if (init) parse_neg_token_init(init->value, out);
    return out;
  }
  if (element->tag == der_tag::context(0)) {  // negTokenInit without the GSS-API wrapper
    out.spnego = true;
    parse_neg_token_init(element->value, out);
    return out;
  }
  if (element->tag == der_tag::context(1)) {
    out.spnego = true;
    parse_neg_token_resp(element->value, out);
    return out;
  }
  return std::nullopt;
}

}  // namespace spanwatch::proto::smb
