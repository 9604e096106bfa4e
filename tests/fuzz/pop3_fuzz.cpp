// POP3: both directions with gaps (stream_chunks.hpp) through Pop3Parser and the POP3 probe; STLS
// hands the rest to the TLS parser.
#include <cstddef>
#include <cstdint>

#include "dissector_driver.hpp"
#include "proto/pop3/parser.hpp"
#include "proto/pop3/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  proto::pop3::Pop3Options options;
  options.max_pending_commands = 4;  // small limits so the fuzzer reaches them
  options.max_data_lines = 4;
  options.max_data_bytes = 256;
  options.max_line = 512;
  proto::pop3::Pop3Parser parser(options);
  fuzz::check_dissector(parser, core::Bytes(data, size), &proto::pop3::probe_pop3);
  return 0;
}
