#include "proto/tls/kept_hellos.hpp"

#include <algorithm>

namespace spanwatch::proto::tls {
namespace {

constexpr std::size_t max_alpn_name = decltype(ClientState::alpn)::value_type::capacity();
constexpr std::size_t max_server_name = decltype(ClientState::server_name)::capacity();
constexpr std::size_t max_server_alpn = decltype(ServerState::alpn)::capacity();
static_assert(max_alpn_name <= 255, "an ALPN name is packed after a length byte");

core::Bytes bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string_view text_of(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::size_t KeptClientHello::max_bytes(const TlsOptions& o) {
  return 2 * (o.max_cipher_suites + 4 * o.max_list_entries) + o.max_list_entries + o.max_alpn * (1 + max_alpn_name) +
         max_server_name;
}

void KeptClientHello::keep(const ClientState& hello, PackedBlockPools& pools) {
  static_cast<ClientHelloScalars&>(*this) = hello;
  std::size_t alpn_bytes = 0;
  for (std::size_t i = 0; i < hello.alpn_count; ++i) alpn_bytes += 1 + hello.alpn[i].size();
  lists_.start(2 * (hello.cipher_suites.size() + hello.supported_versions.size() + hello.extensions.size() +
                    hello.supported_groups.size() + hello.signature_algorithms.size()) +
                   hello.point_formats.size() + alpn_bytes + hello.server_name.size(),
               pools);
  // 16-bit lists first: the byte lists after them need no padding.
  cipher_suites_ = lists_.append(hello.cipher_suites.view());
  supported_versions_ = lists_.append(hello.supported_versions.view());
  extensions_ = lists_.append(hello.extensions.view());
  supported_groups_ = lists_.append(hello.supported_groups.view());
  signature_algorithms_ = lists_.append(hello.signature_algorithms.view());
  point_formats_ = lists_.append(hello.point_formats.view());
  alpn_ = {};
  for (std::size_t i = 0; i < hello.alpn_count; ++i) {
    const std::uint8_t length = static_cast<std::uint8_t>(hello.alpn[i].size());
    const PackedSlice prefix = lists_.append(std::span<const std::uint8_t>(&length, 1));
    lists_.append(bytes_of(hello.alpn[i].view()));
    if (i == 0) alpn_.offset = prefix.offset;
    alpn_.length += 1u + length;
  }
  server_name_ = lists_.append(bytes_of(hello.server_name.view()));
}

void KeptClientHello::clear() {
  static_cast<ClientHelloScalars&>(*this) = {};
  lists_.clear();
  cipher_suites_ = supported_versions_ = extensions_ = supported_groups_ = signature_algorithms_ = point_formats_ =
      alpn_ = server_name_ = {};
}

std::string_view KeptClientHello::server_name() const { return text_of(lists_.view<std::uint8_t>(server_name_)); }

std::span<const std::string_view> KeptClientHello::alpn(std::span<std::string_view> out) const {
  const auto packed = lists_.view<std::uint8_t>(alpn_);
  std::size_t count = 0;
  for (std::size_t at = 0; at < packed.size() && count < out.size(); ++count) {
    const std::size_t length = packed[at];
    out[count] = text_of(packed.subspan(at + 1, length));
    at += 1 + length;
  }
  return out.first(count);
}

std::size_t KeptServerHello::max_bytes(const TlsOptions& o) { return 2 * o.max_list_entries + max_server_alpn; }

void KeptServerHello::keep(const ServerState& hello, PackedBlockPools& pools) {
  static_cast<ServerHelloScalars&>(*this) = hello;
  lists_.start(2 * hello.extensions.size() + hello.alpn.size(), pools);
  extensions_ = lists_.append(hello.extensions.view());
  alpn_ = lists_.append(bytes_of(hello.alpn.view()));
}

void KeptServerHello::restore(ServerState& to) const {
  to.clear();
  static_cast<ServerHelloScalars&>(to) = *this;
  for (const std::uint16_t type : extensions()) to.extensions.push(type);
  to.alpn.assign(alpn());
}

void KeptServerHello::clear() {
  static_cast<ServerHelloScalars&>(*this) = {};
  lists_.clear();
  extensions_ = alpn_ = {};
}

std::string_view KeptServerHello::alpn() const { return text_of(lists_.view<std::uint8_t>(alpn_)); }

}  // namespace spanwatch::proto::tls
