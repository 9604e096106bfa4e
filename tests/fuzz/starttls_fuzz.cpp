// SMTP and IMAP STARTTLS watchers (first input byte: even = SMTP, odd = IMAP), then the chunks of
// stream_chunks.hpp; an accepted STARTTLS hands the rest to the TLS parser.
#include <cstddef>
#include <cstdint>

#include "dissector_driver.hpp"
#include "proto/starttls/parser.hpp"
#include "proto/starttls/probe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  if (size == 0) return 0;
  const core::Bytes rest(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    proto::starttls::SmtpParser parser;
    fuzz::check_dissector(parser, rest, &proto::starttls::probe_smtp);
  } else {
    proto::starttls::ImapParser parser;
    fuzz::check_dissector(parser, rest, &proto::starttls::probe_imap);
  }
  return 0;
}
