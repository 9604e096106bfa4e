#pragma once
// The TLS dissector: both directions' record layers, the handshake state machine, and the events
// (tls.client_hello, tls.server_hello, tls.certificate, tls.alert, one tls.handshake summary).
// After the handshake (both Finished in ≤ 1.2; a non-retry ServerHello in 1.3, after which
// everything is encrypted) it emits the summary and returns Verdict::stop() so the flow is bypassed.
// What it holds while in flight is small (what the summary needs of both hellos, packed; framing
// state); the hellos read in full, split messages, the server certificate, scratch and the counters
// live in the worker's TlsWorkspace.
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "proto/dissector.hpp"
#include "proto/tls/certificate.hpp"
#include "proto/tls/kept_hellos.hpp"
#include "proto/tls/record_layer.hpp"
#include "proto/tls/tls_options.hpp"
#include "proto/tls/tls_workspace.hpp"

namespace spanwatch::proto::tls {

class TlsParser final : public Dissector {
 public:
  explicit TlsParser(const TlsOptions& options = {});
  // The record layers call back into this object: it stays where it was built.
  TlsParser(const TlsParser&) = delete;
  TlsParser& operator=(const TlsParser&) = delete;

  events::Protocol protocol() const override { return events::Protocol::tls; }
  Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) override;
  Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) override;
  void finish(FeedContext& context) override;
  void reset() override;

  bool done() const { return phase_ == Phase::done; }

 private:
  enum class Phase : std::uint8_t {
    hellos,       // waiting for / reading the hellos
    key_exchange, // ≤ 1.2 after ServerHello: certificate, key exchange, ChangeCipherSpec, Finished
    done,         // summary emitted; nothing more wanted
  };

  // Record-layer callbacks for one direction.
  class Side final : public RecordHandler {
   public:
    Side(TlsParser& parser, core::Direction direction, std::size_t max_message, RecordLayer::MessagePool& messages)
        : parser_(parser), direction_(direction), records_(max_message, messages) {}
    bool on_handshake_message(const RecordHeader& record, std::uint8_t type, core::Bytes body) override;
    bool on_sslv2_client_hello(core::Bytes message) override;
    bool on_alert(std::uint8_t level, std::uint8_t description, bool encrypted) override;
    bool on_change_cipher_spec() override;
    bool on_encrypted_record(const RecordHeader& record) override;
    void on_anomaly(std::string_view name) override { parser_.anomaly(name); }

    RecordLayer& records() { return records_; }
    void reset() {
      records_.reset();
      finished_ = false;
    }
    bool finished() const { return finished_; }

   private:
    TlsParser& parser_;
    core::Direction direction_;
    RecordLayer records_;
    bool finished_ = false;  // this side's (encrypted) Finished was seen
  };

  bool client_hello(core::Bytes body, std::uint16_t record_version, bool sslv2);
  bool server_hello(core::Bytes body, std::uint16_t record_version);
  bool certificate(core::Direction direction, core::Bytes body);
  bool alert(core::Direction direction, std::uint8_t level, std::uint8_t description, bool encrypted);
  void anomaly(std::string_view name);
  void emit_summary(events::tls::HandshakeEnd end);
  TlsWorkspace& workspace() { return *workspace_; }
  bool end_handshake(events::tls::HandshakeEnd end);

  // Of the options, what is used after construction (the list capacities are the workspace's).
  std::shared_ptr<TlsWorkspace> workspace_;  // never null (declared first: outlives the sides' buffers)
  std::shared_ptr<CertificateCache> certificate_cache_;
  bool parse_certificates_;
  std::array<Side, 2> sides_;
  FeedContext* context_ = nullptr;  // set during feed/gap/finish only
  Phase phase_ = Phase::hellos;
  KeptClientHello client_;
  KeptServerHello server_;
  PackedLists<0> certificate_;  // the server certificate's packed fields (certificate.hpp), once decoded
  bool certificate_seen_ = false;
  unsigned certificate_chain_length_ = 0;
  // The first alert of each direction, for the summary.
  struct FirstAlert {
    bool seen = false;
    bool encrypted = false;
    std::uint8_t level = 0;
    std::uint8_t description = 0;
  };
  std::array<FirstAlert, 2> first_alert_{};
};

}  // namespace spanwatch::proto::tls
