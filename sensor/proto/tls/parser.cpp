#include "proto/tls/parser.hpp"

#include "proto/tls/alert_names.hpp"
#include "proto/tls/certificate_cache.hpp"
#include "proto/tls/cipher_suites.hpp"
#include "proto/tls/versions.hpp"

namespace spanwatch::proto::tls {

namespace {
constexpr unsigned to_server = core::index_of(core::Direction::to_server);
constexpr unsigned to_client = core::index_of(core::Direction::to_client);

// A parser built without a worker's workspace gets its own, with a buffer per direction and a
// certificate built at once (so that it, too, allocates nothing after construction).
TlsOptions with_workspace(TlsOptions options) {
  if (!options.workspace) options.workspace = std::make_shared<TlsWorkspace>(options, 2);
  return options;
}
}  // namespace

TlsParser::TlsParser(const TlsOptions& options)
    : options_(with_workspace(options)),
      sides_{Side(*this, core::Direction::to_server, options.max_handshake_message, workspace().messages()),
             Side(*this, core::Direction::to_client, options.max_handshake_message, workspace().messages())},
      client_(options),
      server_(options) {}

TlsParser::~TlsParser() { give_back_certificate(); }

void TlsParser::give_back_certificate() {
  if (certificate_ == nullptr) return;
  workspace().certificates().give_back(certificate_);
  certificate_ = nullptr;
}

void TlsParser::reset() {
  for (auto& side : sides_) side.reset();
  phase_ = Phase::hellos;
  client_.clear();
  server_.clear();
  give_back_certificate();
  certificate_seen_ = false;
  certificate_chain_length_ = 0;
  first_alert_ = {};
  alert_seen_ = {};
}

Verdict TlsParser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  consumed = bytes.size();
  if (phase_ == Phase::done) return Verdict::stop();
  context_ = &context;
  Side& side = sides_[core::index_of(direction)];
  const bool was_lost = side.records().lost();
  side.records().feed(bytes, side, direction == core::Direction::to_server);
  if (phase_ != Phase::done && !was_lost && side.records().lost()) {
    counters_.add(TlsCounter::desynchronised);
    if (sides_[to_server].records().lost() && sides_[to_client].records().lost())
      end_handshake(events::tls::HandshakeEnd::flow_ended);
  }
  context_ = nullptr;
  return phase_ == Phase::done ? Verdict::stop() : Verdict::more();
}

Verdict TlsParser::gap(core::Direction direction, std::uint64_t, FeedContext& context) {
  if (phase_ == Phase::done) return Verdict::stop();
  context_ = &context;
  Side& side = sides_[core::index_of(direction)];
  if (!side.records().lost()) {
    side.records().lose_sync();
    counters_.add(TlsCounter::desynchronised);
    anomaly("tls.gap");
  }
  if (sides_[to_server].records().lost() && sides_[to_client].records().lost())
    end_handshake(events::tls::HandshakeEnd::flow_ended);
  context_ = nullptr;
  return phase_ == Phase::done ? Verdict::stop() : Verdict::more();
}

void TlsParser::finish(FeedContext& context) {
  if (phase_ == Phase::done) return;
  context_ = &context;
  if (client_.hellos > 0 || server_.hello_seen) emit_summary(events::tls::HandshakeEnd::flow_ended);
  phase_ = Phase::done;
  context_ = nullptr;
}

void TlsParser::anomaly(std::string_view name) {
  counters_.add(TlsCounter::malformed);
  if (context_ != nullptr) context_->sink.emit(events::AppAnomaly{events::Protocol::tls, name});
}

bool TlsParser::end_handshake(events::tls::HandshakeEnd end) {
  if (client_.hellos > 0 || server_.hello_seen) emit_summary(end);
  phase_ = Phase::done;
  counters_.add(TlsCounter::bypassed);
  return false;
}

bool TlsParser::client_hello(core::Bytes body, std::uint16_t record_version, bool sslv2) {
  ClientHelloWire hello;
  const WireError error = sslv2 ? parse_sslv2_client_hello(body, hello) : parse_client_hello(body, hello);
  if (error != WireError::none) {
    anomaly(sslv2 ? "tls.malformed_sslv2_hello" : "tls.malformed_client_hello");
    return true;
  }
  // After a HelloRetryRequest the second hello replaces the first. Without one, a second hello is a
  // duplicate: reported as its own event, but the handshake keeps describing the first.
  const bool duplicate = client_.hellos > 0 && !server_.hello_retry_request;
  ClientState& scratch = workspace().duplicate_client_hello();  // scratch: used within this call only
  ClientState& target = duplicate ? scratch : client_;
  if (duplicate) {
    scratch.clear();
    scratch.hellos = client_.hellos;
    anomaly("tls.duplicate_client_hello");
  }
  if (const auto a = target.read(hello, record_version, sslv2); !a.empty()) anomaly(a);
  if (target.truncated()) {
    counters_.add(TlsCounter::list_truncated);
    anomaly("tls.list_truncated");
  }
  counters_.add(TlsCounter::client_hellos);
  context_->sink.emit(target.event());
  if (duplicate) {
    client_.hellos = scratch.hellos;
    client_.fallback_scsv = client_.fallback_scsv || scratch.fallback_scsv;
  }
  return true;  // JA3 is built from client_ when the summary is emitted
}

bool TlsParser::server_hello(core::Bytes body, std::uint16_t record_version) {
  if (const auto a = server_.read(body, record_version, client_); !a.empty()) {
    anomaly(a);
    if (!server_.hello_seen) return true;
  }
  counters_.add(TlsCounter::server_hellos);  // JA3S is built from server_ when the summary is emitted
  const events::tls::ServerHello event = server_.event();
  context_->sink.emit(event);
  if (event.hello_retry_request) return true;  // a second ClientHello and ServerHello follow
  if (is_tls13_class(server_.version)) return end_handshake(events::tls::HandshakeEnd::completed);
  phase_ = Phase::key_exchange;
  return true;
}

bool TlsParser::certificate(core::Direction direction, core::Bytes body) {
  // Client certificates (≤ 1.2) are counted but not decoded: the summary describes the server's.
  if (direction == core::Direction::to_server || certificate_seen_) return true;
  std::size_t count = 0;
  core::Bytes first;
  const WireError error = for_each_certificate(
      body, [&first](core::Bytes der) { first = first.empty() ? der : first; }, count);
  if (error != WireError::none) anomaly("tls.malformed_certificate");
  certificate_seen_ = true;
  certificate_chain_length_ = static_cast<unsigned>(count);
  counters_.add(TlsCounter::certificates);
  events::tls::Certificate e;
  e.direction = direction;
  e.chain_length = certificate_chain_length_;
  e.der = first;
  if (!first.empty() && options_.parse_certificates) {
    certificate_ = workspace().certificates().take();
    certificate_->clear();
    if (!(options_.certificate_cache ? options_.certificate_cache->read(first, *certificate_)
                                     : read_certificate(first, *certificate_)))
      anomaly("tls.invalid_certificate");
    if (certificate_->sans_truncated) counters_.add(TlsCounter::list_truncated);
    e.subject = certificate_->subject.view();
    e.issuer = certificate_->issuer.view();
    e.serial = certificate_->serial.view();
    e.fingerprint = certificate_->fingerprint.view();
    e.not_before = certificate_->not_before;
    e.not_after = certificate_->not_after;
    e.subject_alt_names = std::span<const std::string_view>(certificate_->san_views.data(), certificate_->san_count);
    e.parsed = certificate_->parsed;
  }
  context_->sink.emit(e);
  return true;
}

bool TlsParser::alert(core::Direction direction, std::uint8_t level, std::uint8_t description, bool encrypted) {
  events::tls::Alert e;
  e.direction = direction;
  e.level = level;
  e.description = description;
  e.encrypted = encrypted;
  e.description_name = encrypted ? std::string_view{"encrypted"} : alert_description_name(description);
  counters_.add(TlsCounter::alerts);
  context_->sink.emit(e);
  const unsigned side = core::index_of(direction);
  if (!alert_seen_[side]) {
    alert_seen_[side] = true;
    first_alert_[side] = e;  // the name is a literal: it outlives emit()
  }
  // Fatal alerts, close_notify and anything encrypted (we cannot tell) end the handshake.
  const bool ends = encrypted || level == 2 || description == 0;
  return ends ? end_handshake(events::tls::HandshakeEnd::alert) : true;
}

bool TlsParser::Side::on_handshake_message(const RecordHeader& record, std::uint8_t type, core::Bytes body) {
  const bool from_client = direction_ == core::Direction::to_server;
  switch (static_cast<HandshakeType>(type)) {
    case HandshakeType::client_hello:
      if (!from_client) break;
      return parser_.client_hello(body, record.version, false);
    case HandshakeType::server_hello:
      if (from_client) break;
      return parser_.server_hello(body, record.version);
    case HandshakeType::certificate:
      return parser_.certificate(direction_, body);
    case HandshakeType::server_key_exchange:
      if (from_client) break;
      parser_.server_.server_key_exchange = true;
      return true;
    default:
      // TLS 1.3 drafts before 22 had a HelloRetryRequest message of its own (type 6).
      if (type == 6 && !from_client) parser_.server_.hello_retry_request = true;
      return true;
  }
  parser_.anomaly("tls.unexpected_message");
  return true;
}

bool TlsParser::Side::on_sslv2_client_hello(core::Bytes message) {
  return parser_.client_hello(message, version::sslv2, true);
}

bool TlsParser::Side::on_alert(std::uint8_t level, std::uint8_t description, bool encrypted) {
  return parser_.alert(direction_, level, description, encrypted);
}

bool TlsParser::Side::on_change_cipher_spec() {
  // Before the negotiated version is known (no ServerHello yet, or a HelloRetryRequest) this is the
  // TLS 1.3 middlebox-compatibility ChangeCipherSpec: the records after it are still in the clear.
  if (parser_.phase_ != Phase::key_exchange || records_.encrypted()) return true;
  records_.mark_encrypted();
  // ≤ 1.2: the server changing ciphers before sending a certificate is an abbreviated (resumed) handshake.
  ServerState& server = parser_.server_;
  if (direction_ == core::Direction::to_client && !parser_.certificate_seen_ &&
      server.resumption == events::tls::Resumption::none)
    server.resumption = events::tls::Resumption::session_id;
  return true;
}

bool TlsParser::Side::on_encrypted_record(const RecordHeader& record) {
  if (static_cast<ContentType>(record.type) != ContentType::handshake) return true;
  finished_ = true;  // the first encrypted handshake record after ChangeCipherSpec is Finished
  const auto& sides = parser_.sides_;
  if (sides[to_server].finished() && sides[to_client].finished())
    return parser_.end_handshake(events::tls::HandshakeEnd::completed);
  return true;
}

}  // namespace spanwatch::proto::tls
