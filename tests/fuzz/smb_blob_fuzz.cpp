// The SMB security-blob parsers on their own, where the fuzzer needs no NBSS/SMB framing to reach
// them: SPNEGO/Kerberos/raw NTLMSSP unwrapping (parse_security_blob), each NTLMSSP message parser,
// UTF-16LE conversion (output must be valid UTF-8) and a recursive walk with the DER reader.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/stringbuffer.h>

#include "dissector_driver.hpp"
#include "proto/smb/der.hpp"
#include "proto/smb/ntlmssp.hpp"
#include "proto/smb/spnego.hpp"

namespace {

using namespace spanwatch;

using fuzz::touch;

std::string hex(core::Bytes bytes) {
  std::string out;
  char buffer[4];
  for (std::uint8_t b : bytes) {
    std::snprintf(buffer, sizeof buffer, "%02x", b);
    out += buffer;
  }
  return out;
}

void check_utf8(core::Bytes utf16) {
  std::array<char, 37> out{};  // odd size: conversion must stop on whole code points
  const std::string_view text = proto::smb::utf16le_to_utf8(utf16, out);
  if (text.size() > out.size()) fuzz::fuzz_fail("utf16le_to_utf8 wrote past its buffer");
  // A plain MemoryStream: EncodedInputStream would skip a leading EF BB BF as a byte-order mark.
  rapidjson::MemoryStream in(text.data(), text.size());
  rapidjson::StringBuffer ignored;
  while (in.Tell() < text.size()) {
    if (!rapidjson::UTF8<>::Validate(in, ignored)) fuzz::fuzz_fail("utf16le_to_utf8 wrote invalid UTF-8", hex(utf16) + " -> " + hex(core::as_bytes(text)));
  }
}

void walk_der(core::Bytes bytes, int depth) {
  proto::smb::DerReader reader(bytes);
  while (auto element = reader.next()) {
    touch(element->value);
    (void)proto::smb::der_small_integer(element->value);
    // Constructed (bit 5) elements hold more elements; the depth bound keeps the walk short.
    if ((element->tag & 0x20) != 0 && depth < 16) walk_der(element->value, depth + 1);
  }
}

void check_ntlmssp(core::Bytes message) {
  (void)proto::smb::is_ntlmssp(message);
  (void)proto::smb::ntlmssp_message_type(message);
  if (auto m = proto::smb::parse_ntlmssp_negotiate(message)) {
    touch(m->domain);
    touch(m->workstation);
  }
  if (auto m = proto::smb::parse_ntlmssp_challenge(message)) {
    touch(m->server_challenge);
    check_utf8(m->target_name);
  }
  if (auto m = proto::smb::parse_ntlmssp_authenticate(message)) {
    touch(m->lm_response);
    touch(m->nt_response);
    check_utf8(m->domain);
    check_utf8(m->user);
    check_utf8(m->workstation);
    (void)proto::smb::ntlm_version_of(*m);
    (void)proto::smb::is_anonymous(*m);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A heap copy of exactly the input so a read one past its end is caught.
  const std::vector<std::uint8_t> owned(data, data + size);
  const core::Bytes input(owned.data(), owned.size());
  if (auto token = proto::smb::parse_security_blob(input)) {
    check_ntlmssp(token->ntlmssp);
    if (token->kerberos) {
      touch(token->kerberos->realm);
      if (token->kerberos->sname_count > token->kerberos->sname.size()) fuzz::fuzz_fail("sname_count beyond its array");
      for (std::size_t i = 0; i < token->kerberos->sname_count; ++i) touch(token->kerberos->sname[i]);
    }
  }
  if (auto ticket = proto::smb::parse_kerberos_token(input)) touch(ticket->realm);
  check_ntlmssp(input);
  check_utf8(input);
  walk_der(input, 0);
  return 0;
}
