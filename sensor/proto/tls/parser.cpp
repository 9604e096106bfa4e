#include "proto/tls/parser.hpp"

#include "proto/tls/alert_names.hpp"
#include "proto/tls/certificate_cache.hpp"
#include "proto/tls/cipher_suites.hpp"
#include "proto/tls/versions.hpp"

namespace spanwatch::proto::tls {

namespace {
constexpr unsigned to_server = core::index_of(core::Direction::to_server);
constexpr unsigned to_client = core::index_of(core::Direction::to_client);

// A parser built without a worker's workspace gets its own, with a buffer per direction and two
// packed blocks of each size built at once (so that it, too, allocates nothing after construction).
std::shared_ptr<TlsWorkspace> workspace_for(const TlsOptions& options) {
  return options.workspace ? options.workspace : std::make_shared<TlsWorkspace>(options, 2);
}
}  // namespace

TlsParser::TlsParser(const TlsOptions& options)
    : workspace_(workspace_for(options)),
      certificate_cache_(options.certificate_cache),
      parse_certificates_(options.parse_certificates),
      sides_{Side(*this, core::Direction::to_server, options.max_handshake_message, workspace().messages()),
             Side(*this, core::Direction::to_client, options.max_handshake_message, workspace().messages())} {}

void TlsParser::reset() {
  for (auto& side : sides_) side.reset();
  phase_ = Phase::hellos;
  client_.clear();
  server_.clear();
  certificate_.clear();
  certificate_seen_ = false;
  certificate_chain_length_ = 0;
  first_alert_ = {};
}

Verdict TlsParser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  consumed = bytes.size();
  if (phase_ == Phase::done) return Verdict::stop();
  context_ = &context;
  Side& side = sides_[core::index_of(direction)];
  const bool was_lost = side.records().lost();
  side.records().feed(bytes, side, direction == core::Direction::to_server);
  if (phase_ != Phase::done && !was_lost && side.records().lost()) {
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
  if (context_ != nullptr) context_->sink.emit(events::AppAnomaly{events::Protocol::tls, name});
}

bool TlsParser::end_handshake(events::tls::HandshakeEnd end) {
  if (client_.hellos > 0 || server_.hello_seen) emit_summary(end);
  phase_ = Phase::done;
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
  // Read in full in the worker's scratch (used within this call only); client_ keeps what the summary needs.
  ClientState& read = workspace().client_hello();
  read.clear();
  read.hellos = client_.hellos;
  if (duplicate)
    anomaly("tls.duplicate_client_hello");
  else
    read.fallback_scsv = client_.fallback_scsv;  // a replacing hello accumulates the SCSV
  if (const auto a = read.read(hello, record_version, sslv2); !a.empty()) anomaly(a);
  if (read.truncated()) {
    anomaly("tls.list_truncated");
  }
  context_->sink.emit(read.event());
  if (duplicate) {
    client_.hellos = read.hellos;
    client_.fallback_scsv = client_.fallback_scsv || read.fallback_scsv;
  } else {
    client_.keep(read, workspace().packed_blocks());
  }
  return true;  // JA3 is built from client_ when the summary is emitted
}

bool TlsParser::server_hello(core::Bytes body, std::uint16_t record_version) {
  // Read in full in the worker's scratch, over the hello kept so far: a hello after a retry builds on
  // it, and one rejected leaves it (and its event) as it was.
  ServerState& read = workspace().server_hello();
  server_.restore(read);
  if (const auto a = read.read(body, record_version, client_.session_id_view()); !a.empty()) {
    anomaly(a);
    if (!read.hello_seen) return true;
  }
  server_.keep(read, workspace().packed_blocks());  // JA3S is built from server_ when the summary is emitted
  const events::tls::ServerHello event = read.event();
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
  events::tls::Certificate e;
  e.direction = direction;
  e.chain_length = certificate_chain_length_;
  e.der = first;
  if (!first.empty() && parse_certificates_) {
    const core::Bytes packed =
        certificate_cache_ ? certificate_cache_->read(first) : workspace().certificate_decoder().decode(first);
    certificate_.start(packed.size(), workspace().packed_blocks());
    certificate_.append(packed);
    const CertificateFields fields = unpack_certificate(certificate_.bytes(), workspace().subject_alt_names());
    if (!fields.parsed) anomaly("tls.invalid_certificate");
    e.subject = fields.subject;
    e.issuer = fields.issuer;
    e.serial = fields.serial;
    e.fingerprint = fields.fingerprint;
    e.not_before = fields.not_before;
    e.not_after = fields.not_after;
    e.subject_alt_names = fields.subject_alt_names;
    e.parsed = fields.parsed;
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
  e.description_name = alert_name(encrypted, description);
  context_->sink.emit(e);
  FirstAlert& first = first_alert_[core::index_of(direction)];
  if (!first.seen) first = {true, encrypted, level, description};
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
  KeptServerHello& server = parser_.server_;
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
