// tls_eve_sample OUT.json: writes the tls records of several hand-built handshakes (TLS 1.2 with a
// certificate, TLS 1.3, a draft, an unanswered hello) for the schema test.
#include <fstream>

#include "eve_record_support.hpp"

using namespace spanwatch::testing::tls_test;

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ofstream out(argv[1]);
  const Conversation unanswered = {tls12_full_handshake()[0]};
  for (const auto& conversation : {tls12_full_handshake(), tls13_handshake(), tls13_handshake(0x7f1c), unanswered})
    for (const auto& line : eve_lines(conversation)) out << line << '\n';
  return out.good() ? 0 : 1;
}
