#include "proto/tls/certificate.hpp"

#include "core/digest.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstring>
#include <ctime>
#include <memory>

namespace spanwatch::proto::tls {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

// "C=US, O=Example, CN=host": RFC 2253 escaping of specials and controls, UTF-8 kept, fields in
// certificate order separated by ", " (the form Suricata logs).
template <std::size_t N>
void write_name(const X509_NAME* name, core::FixedString<N>& out) {
  out.clear();
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return;
  const unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_ESC_2253 |
                              ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT | XN_FLAG_DUMP_UNKNOWN_FIELDS;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return;
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length > 0 && data != nullptr) out.assign({data, static_cast<std::size_t>(length)});
}

template <std::size_t N>
void write_hex(core::Bytes bytes, bool upper, core::FixedString<N>& out) {
  static constexpr char lower_digits[] = "0123456789abcdef";
  static constexpr char upper_digits[] = "0123456789ABCDEF";
  const char* digits = upper ? upper_digits : lower_digits;
  std::array<char, N> text{};
  std::size_t at = 0;
  for (std::size_t i = 0; i < bytes.size() && at + 3 <= N; ++i) {
    if (i > 0) text[at++] = ':';
    text[at++] = digits[bytes[i] >> 4];
    text[at++] = digits[bytes[i] & 0x0f];
  }
  out.assign({text.data(), at});
}

std::int64_t to_unix(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

// The serial's DER content octets (with the leading 0x00 of a positive number whose top bit is set),
// as Suricata prints them.
void write_serial(const ASN1_INTEGER* serial, core::FixedString<128>& out) {
  out.clear();
  if (serial == nullptr) return;
  std::array<unsigned char, 64> der{};
  const int length = i2d_ASN1_INTEGER(serial, nullptr);
  if (length <= 2 || length > static_cast<int>(der.size())) return;
  unsigned char* p = der.data();
  i2d_ASN1_INTEGER(serial, &p);
  // Skip the tag and the (short or long form) length.
  std::size_t header = 2;
  if (der[1] & 0x80u) header += der[1] & 0x7fu;
  if (header >= static_cast<std::size_t>(length)) return;
  write_hex(core::Bytes(der.data() + header, static_cast<std::size_t>(length) - header), true, out);
}

void write_subject_alt_names(X509* x509, CertificateInfo& out) {
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  const int count = sk_GENERAL_NAME_num(names.get());
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(names.get(), i);
    if (out.san_count == out.subject_alt_names.size()) {
      out.sans_truncated = true;
      return;
    }
    auto& slot = out.subject_alt_names[out.san_count];
    if (entry->type == GEN_DNS) {
      const ASN1_STRING* dns = entry->d.dNSName;
      slot.assign({reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                   static_cast<std::size_t>(ASN1_STRING_length(dns))});
    } else if (entry->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = entry->d.iPAddress;
      const int length = ASN1_STRING_length(ip);
      std::array<char, INET6_ADDRSTRLEN> text{};
      const int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
      if (family == 0 || inet_ntop(family, ASN1_STRING_get0_data(ip), text.data(), text.size()) == nullptr) continue;
      slot.assign(text.data());
    } else {
      continue;
    }
    ++out.san_count;
  }
}

}  // namespace

CertificateInfo::CertificateInfo(std::size_t max_subject_alt_names)
    : subject_alt_names(max_subject_alt_names), san_views(max_subject_alt_names) {}

void CertificateInfo::clear() {
  parsed = false;
  subject.clear();
  issuer.clear();
  serial.clear();
  fingerprint.clear();
  not_before = not_after = 0;
  san_count = 0;
  sans_truncated = false;
}

bool read_certificate(core::Bytes der, CertificateInfo& out) {
  out.clear();
  unsigned char sha1[core::sha1_size];
  if (core::sha1(der.data(), der.size(), sha1)) write_hex(core::Bytes(sha1, core::sha1_size), false, out.fingerprint);

  const unsigned char* p = der.data();
  std::unique_ptr<X509, X509Free> x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509) {
    ERR_clear_error();  // leave no stale error in this thread's OpenSSL queue
    return false;
  }
  write_name(X509_get_subject_name(x509.get()), out.subject);
  write_name(X509_get_issuer_name(x509.get()), out.issuer);
  write_serial(X509_get0_serialNumber(x509.get()), out.serial);
  out.not_before = to_unix(X509_get0_notBefore(x509.get()));
  out.not_after = to_unix(X509_get0_notAfter(x509.get()));
  write_subject_alt_names(x509.get(), out);
  for (std::size_t i = 0; i < out.san_count; ++i) out.san_views[i] = out.subject_alt_names[i].view();
  out.parsed = true;
  return true;
}

namespace {

// Packed layout: flags (1: parsed, 2: SANs truncated), not_before and not_after (64-bit), the SAN
// count (16-bit), then subject, issuer, serial, fingerprint and each SAN as a 16-bit length and its bytes.
constexpr std::size_t packed_header_size = 1 + 8 + 8 + 2;
constexpr std::size_t packed_strings = 4;  // subject, issuer, serial, fingerprint

class PackedWriter {
 public:
  explicit PackedWriter(std::span<std::uint8_t> out) : out_(out) {}
  void put(std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = bytes; i-- > 0;) out_[at_++] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  void put(std::string_view text) {
    put(text.size(), 2);
    std::memcpy(out_.data() + at_, text.data(), text.size());
    at_ += text.size();
  }

 private:
  std::span<std::uint8_t> out_;
  std::size_t at_ = 0;
};

}  // namespace

std::size_t packed_certificate_size(const CertificateInfo& info) {
  std::size_t size = packed_header_size + 2 * (packed_strings + info.san_count) + info.subject.size() +
                     info.issuer.size() + info.serial.size() + info.fingerprint.size();
  for (std::size_t i = 0; i < info.san_count; ++i) size += info.subject_alt_names[i].size();
  return size;
}

std::size_t max_packed_certificate_size(std::size_t max_subject_alt_names) {
  using Names = decltype(CertificateInfo::subject_alt_names);
  const std::size_t strings = decltype(CertificateInfo::subject)::capacity() +
                              decltype(CertificateInfo::issuer)::capacity() +
                              decltype(CertificateInfo::serial)::capacity() +
                              decltype(CertificateInfo::fingerprint)::capacity();
  return packed_header_size + 2 * (packed_strings + max_subject_alt_names) + strings +
         max_subject_alt_names * Names::value_type::capacity();
}

void pack_certificate(const CertificateInfo& info, std::span<std::uint8_t> out) {
  PackedWriter w(out);
  w.put((info.parsed ? 1u : 0u) | (info.sans_truncated ? 2u : 0u), 1);
  w.put(static_cast<std::uint64_t>(info.not_before), 8);
  w.put(static_cast<std::uint64_t>(info.not_after), 8);
  w.put(info.san_count, 2);
  for (const std::string_view text :
       {info.subject.view(), info.issuer.view(), info.serial.view(), info.fingerprint.view()})
    w.put(text);
  for (std::size_t i = 0; i < info.san_count; ++i) w.put(info.subject_alt_names[i].view());
}

CertificateFields unpack_certificate(core::Bytes packed, std::span<std::string_view> san_views) {
  core::ByteReader r(packed);
  CertificateFields f;
  const unsigned flags = r.u8();
  f.parsed = (flags & 1u) != 0;
  f.sans_truncated = (flags & 2u) != 0;
  f.not_before = static_cast<std::int64_t>(r.be64());
  f.not_after = static_cast<std::int64_t>(r.be64());
  const std::size_t san_count = r.be16();
  for (std::string_view* text : {&f.subject, &f.issuer, &f.serial, &f.fingerprint})
    *text = core::as_chars(r.take(r.be16()));
  std::size_t kept = 0;
  for (std::size_t i = 0; i < san_count && r.ok(); ++i) {
    const std::string_view name = core::as_chars(r.take(r.be16()));
    if (kept < san_views.size()) san_views[kept++] = name;
  }
  f.sans_truncated = f.sans_truncated || kept < san_count;
  f.subject_alt_names = san_views.first(kept);
  return f;
}

CertificateDecoder::CertificateDecoder(std::size_t max_subject_alt_names) : info_(max_subject_alt_names) {
  packed_.reserve(max_packed_certificate_size(max_subject_alt_names));
}

core::Bytes CertificateDecoder::decode(core::Bytes der) {
  info_.clear();
  read_certificate(der, info_);
  packed_.resize(packed_certificate_size(info_));  // within the reserved capacity: no allocation
  pack_certificate(info_, packed_);
  return packed_;
}

}  // namespace spanwatch::proto::tls
