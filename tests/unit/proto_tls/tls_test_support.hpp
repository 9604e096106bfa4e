#pragma once
// A recording EventSink for TLS tests (copies what it needs: views die after emit) and helpers that
// feed a conversation whole, byte by byte, and split at every offset.
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "events/event_sink.hpp"
#include "proto/tls/parser.hpp"
#include "support/tls_builder.hpp"

namespace spanwatch::testing::tls_test {

using core::Direction;

struct OwnedHandshake {
  events::tls::Handshake fields;  // views cleared; owned copies below
  std::vector<std::uint16_t> offered_ciphers, client_supported_versions, client_extensions, server_extensions;
  std::vector<std::string> alpn, subject_alt_names;
  std::string server_name, cipher_name, subject, issuer, serial, fingerprint, ja3, ja3_hash, ja3s, ja3s_hash,
      server_alert_name;
};

class RecordingSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    lines.push_back(describe(event));
    if (const auto* a = std::get_if<events::AppAnomaly>(&event)) anomalies.emplace_back(a->event);
    if (const auto* h = std::get_if<events::tls::Handshake>(&event)) handshakes.push_back(own(*h));
    if (const auto* c = std::get_if<events::tls::ClientHello>(&event)) client_hellos.push_back(*c);
    if (const auto* s = std::get_if<events::tls::ServerHello>(&event)) server_hellos.push_back(*s);
    if (const auto* al = std::get_if<events::tls::Alert>(&event)) alerts.push_back(*al);
    if (std::holds_alternative<events::tls::Certificate>(event)) ++certificates;
  }

  // Only scalar fields of these copies may be read after emit.
  std::vector<events::tls::ClientHello> client_hellos;
  std::vector<events::tls::ServerHello> server_hellos;
  std::vector<events::tls::Alert> alerts;
  std::vector<OwnedHandshake> handshakes;
  std::vector<std::string> anomalies;
  std::vector<std::string> lines;  // one description per event, for comparing feeding patterns
  int certificates = 0;

 private:
  template <class T>
  static std::string join(std::span<const T> values) {
    std::ostringstream out;
    for (const auto v : values) out << v << '-';
    return out.str();
  }
  static OwnedHandshake own(const events::tls::Handshake& h) {
    OwnedHandshake o;
    o.fields = h;
    o.offered_ciphers.assign(h.offered_ciphers.begin(), h.offered_ciphers.end());
    o.client_supported_versions.assign(h.client_supported_versions.begin(), h.client_supported_versions.end());
    o.client_extensions.assign(h.client_extensions.begin(), h.client_extensions.end());
    o.server_extensions.assign(h.server_extensions.begin(), h.server_extensions.end());
    for (const auto a : h.alpn) o.alpn.emplace_back(a);
    for (const auto s : h.subject_alt_names) o.subject_alt_names.emplace_back(s);
    o.server_name = h.server_name;
    o.cipher_name = h.cipher_name;
    o.subject = h.subject;
    o.issuer = h.issuer;
    o.serial = h.serial;
    o.fingerprint = h.fingerprint;
    o.ja3 = h.ja3;
    o.ja3_hash = h.ja3_hash;
    o.ja3s = h.ja3s;
    o.ja3s_hash = h.ja3s_hash;
    o.server_alert_name = h.server_alert_name;
    o.fields = {};  // no dangling views in the copy
    o.fields.end = h.end;
    o.fields.completed = h.completed;
    o.fields.client_hello_seen = h.client_hello_seen;
    o.fields.client_hellos = h.client_hellos;
    o.fields.sslv2_client_hello = h.sslv2_client_hello;
    o.fields.client_legacy_version = h.client_legacy_version;
    o.fields.client_max_version = h.client_max_version;
    o.fields.fallback_scsv = h.fallback_scsv;
    o.fields.renegotiation_scsv = h.renegotiation_scsv;
    o.fields.offered_forward_secrecy = h.offered_forward_secrecy;
    o.fields.server_hello_seen = h.server_hello_seen;
    o.fields.version = h.version;
    o.fields.cipher_suite = h.cipher_suite;
    o.fields.key_exchange = h.key_exchange;
    o.fields.downgrade_sentinel = h.downgrade_sentinel;
    o.fields.hello_retry_request = h.hello_retry_request;
    o.fields.resumption = h.resumption;
    o.fields.server_key_exchange_seen = h.server_key_exchange_seen;
    o.fields.server_alert_seen = h.server_alert_seen;
    o.fields.server_alert_description = h.server_alert_description;
    o.fields.certificate_seen = h.certificate_seen;
    o.fields.certificate_chain_length = h.certificate_chain_length;
    o.fields.not_before = h.not_before;
    o.fields.not_after = h.not_after;
    return o;
  }
  static std::string describe(const events::Event& event) {
    std::ostringstream out;
    out << events::name_of(event);
    std::visit(
        [&out](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, events::AppAnomaly>) out << ' ' << e.event;
          if constexpr (std::is_same_v<T, events::tls::ClientHello>)
            out << ' ' << e.legacy_version << ' ' << e.max_version << ' ' << join(e.cipher_suites) << ' '
                << join(e.extensions) << ' ' << e.server_name << ' ' << e.index;
          if constexpr (std::is_same_v<T, events::tls::ServerHello>)
            out << ' ' << e.version << ' ' << e.cipher_suite << ' ' << join(e.extensions) << ' '
                << e.hello_retry_request << static_cast<int>(e.downgrade_sentinel);
          if constexpr (std::is_same_v<T, events::tls::Certificate>)
            out << ' ' << e.subject << ' ' << e.fingerprint << ' ' << e.chain_length;
          if constexpr (std::is_same_v<T, events::tls::Alert>)
            out << ' ' << int(e.level) << ' ' << e.description_name;
          if constexpr (std::is_same_v<T, events::tls::Handshake>)
            out << ' ' << events::tls::name_of(e.end) << ' ' << e.version << ' ' << e.cipher_suite << ' '
                << e.ja3 << ' ' << e.ja3s << ' ' << e.subject << ' ' << e.client_max_version;
        },
        event);
    return out.str();
  }
};

struct Chunk {
  Direction direction;
  Frame bytes;
};
using Conversation = std::vector<Chunk>;

struct FeedResult {
  std::vector<std::string> lines;
  bool stopped = false;
};

// Feeds each chunk cut into pieces of at most `piece` bytes (0 = whole), then finish() unless stopped.
inline FeedResult feed(const Conversation& conversation, std::size_t piece, RecordingSink& sink,
                       const proto::tls::TlsOptions& options = {}) {
  proto::tls::TlsParser parser(options);
  proto::FeedContext context{sink, {}};
  FeedResult result;
  for (const auto& chunk : conversation) {
    const std::size_t step = piece == 0 ? chunk.bytes.size() : piece;
    for (std::size_t at = 0; at < chunk.bytes.size() && !result.stopped; at += step) {
      const auto part = std::span<const std::uint8_t>(chunk.bytes).subspan(at, std::min(step, chunk.bytes.size() - at));
      std::size_t consumed = 0;
      const auto verdict = parser.feed(chunk.direction, part, context, consumed);
      result.stopped = verdict.want == proto::Verdict::Want::stop;
    }
  }
  if (!result.stopped) parser.finish(context);
  result.lines = sink.lines;
  return result;
}

// Every chunk split once at every offset into two calls: one list of event lines per split point.
inline std::vector<std::vector<std::string>> feed_split_everywhere(const Conversation& conversation) {
  std::vector<std::vector<std::string>> all;
  for (std::size_t c = 0; c < conversation.size(); ++c) {
    for (std::size_t split = 1; split < conversation[c].bytes.size(); ++split) {
      Conversation cut;
      for (std::size_t i = 0; i < conversation.size(); ++i) {
        if (i != c) {
          cut.push_back(conversation[i]);
          continue;
        }
        const auto& b = conversation[i].bytes;
        cut.push_back({conversation[i].direction, Frame(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(split))});
        cut.push_back({conversation[i].direction, Frame(b.begin() + static_cast<std::ptrdiff_t>(split), b.end())});
      }
      RecordingSink sink;
      all.push_back(feed(cut, 0, sink).lines);
    }
  }
  return all;
}

}  // namespace spanwatch::testing::tls_test
