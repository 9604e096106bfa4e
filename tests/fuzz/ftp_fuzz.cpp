// FTP control connection: both directions with gaps (stream_chunks.hpp) through FtpParser and the
// FTP probe; AUTH TLS hands the rest to the TLS parser.
#include <cstddef>
#include <cstdint>

#include "dissector_driver.hpp"
#include "proto/ftp/parser.hpp"
#include "proto/ftp/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  proto::ftp::FtpOptions options;
  options.max_pending_commands = 4;  // small limits so the fuzzer reaches them
  options.max_reply_lines = 4;
  options.max_reply_bytes = 256;
  options.max_line = 512;
  proto::ftp::FtpParser parser(options);
  fuzz::check_dissector(parser, core::Bytes(data, size), &proto::ftp::probe_ftp);
  return 0;
}
