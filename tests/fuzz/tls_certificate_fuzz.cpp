// The certificate reader on its own (DER through OpenSSL's d2i_X509 into bounded fields): the TLS
// target reaches it only behind a valid handshake framing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "proto/tls/certificate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace spanwatch;
  const std::vector<std::uint8_t> owned(data, data + size);
  proto::tls::CertificateInfo info(2);
  const bool parsed = proto::tls::read_certificate(core::Bytes(owned.data(), owned.size()), info);
  if (parsed != info.parsed) fuzz::fuzz_fail("read_certificate's result differs from info.parsed");
  if (info.san_count > info.subject_alt_names.size() || info.san_count > info.san_views.size())
    fuzz::fuzz_fail("san_count beyond the preallocated names");
  // The views must point at the kept names: reading them is checked by ASan.
  fuzz::touch(info.subject.view());
  fuzz::touch(info.issuer.view());
  fuzz::touch(info.serial.view());
  for (std::size_t i = 0; i < info.san_count; ++i) fuzz::touch(info.san_views[i]);
  // The parser reuses one info per handshake: after clear() the same bytes must read the same.
  const std::string subject(info.subject.view()), serial(info.serial.view());
  const std::size_t san_count = info.san_count;
  info.clear();
  proto::tls::read_certificate(core::Bytes(owned.data(), owned.size()), info);
  if (info.subject.view() != subject || info.serial.view() != serial || info.san_count != san_count)
    fuzz::fuzz_fail("the same certificate read twice into one info differs");
  return 0;
}
