// TLS: both directions with gaps (stream_chunks.hpp) through TlsParser (record layer, SSLv2 hello,
// handshake messages, the server certificate through OpenSSL, alerts) and the TLS probe.
#include <cstddef>
#include <cstdint>

#include "dissector_driver.hpp"
#include "proto/tls/parser.hpp"
#include "proto/tls/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  proto::tls::TlsOptions options;
  options.max_handshake_message = 8192;  // small limits so the fuzzer reaches them
  options.max_cipher_suites = 16;
  options.max_list_entries = 8;
  options.max_alpn = 2;
  options.max_subject_alt_names = 2;
  proto::tls::TlsParser parser(options);
  fuzz::check_dissector(parser, core::Bytes(data, size), &proto::tls::probe_tls);
  return 0;
}
