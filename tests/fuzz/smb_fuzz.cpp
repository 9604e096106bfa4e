// SMB over TCP: both directions with gaps (stream_chunks.hpp) through SmbParser (NBSS framing, SMB1,
// SMB2/3, SPNEGO, NTLMSSP, Kerberos tokens inside session setups) and the SMB probe.
#include <cstddef>
#include <cstdint>

#include "dissector_driver.hpp"
#include "proto/smb/parser.hpp"
#include "proto/smb/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  proto::smb::SmbOptions options;
  options.max_message_bytes = 4096;  // small limits so the fuzzer reaches them
  options.max_pending_requests = 4;
  options.max_chain_length = 8;
  proto::smb::SmbParser parser(options);
  fuzz::check_dissector(parser, core::Bytes(data, size), &proto::smb::probe_smb);
  return 0;
}
