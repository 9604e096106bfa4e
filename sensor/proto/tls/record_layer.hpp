#pragma once
// One direction's TLS record layer: finds records in an in-order byte stream that arrives in pieces
// of any size, reassembles handshake messages that span records (and several per record), and hands
// complete messages, alerts and ChangeCipherSpec to a RecordHandler. The only copy is a handshake
// message (or a record header, an alert) split across calls: the message goes into a buffer taken
// from the worker's pool when the split is met and given back when the message is complete.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "proto/tls/wire.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::tls {

class RecordHandler {
 public:
  virtual ~RecordHandler() = default;
  // Each returns false to stop reading (the parser is done with the flow).
  virtual bool on_handshake_message(const RecordHeader& record, std::uint8_t type, core::Bytes body) = 0;
  virtual bool on_sslv2_client_hello(core::Bytes message) = 0;
  virtual bool on_alert(std::uint8_t level, std::uint8_t description, bool encrypted) = 0;
  // At the end of a ChangeCipherSpec record; the handler may call RecordLayer::mark_encrypted().
  virtual bool on_change_cipher_spec() = 0;
  // A record that is opaque to us: application data, or a handshake record after ChangeCipherSpec.
  virtual bool on_encrypted_record(const RecordHeader& record) = 0;
  // A malformation; `name` is a literal ("tls.invalid_record_header").
  virtual void on_anomaly(std::string_view name) = 0;
};

class RecordLayer {
 public:
  using MessagePool = proto::WorkerPool<std::vector<std::uint8_t>>;
  RecordLayer(std::size_t max_handshake_message, MessagePool& messages);
  ~RecordLayer() { give_back_message(); }
  RecordLayer(const RecordLayer&) = delete;
  RecordLayer& operator=(const RecordLayer&) = delete;

  // Reads `bytes`; returns how many were read (all of them unless the handler stopped).
  std::size_t feed(core::Bytes bytes, RecordHandler& handler, bool allow_sslv2);
  // Bytes were lost: nothing more can be framed in this direction.
  void lose_sync() {
    state_ = State::lost;
    give_back_message();
  }
  bool lost() const { return state_ == State::lost; }
  // From now on handshake records and alerts of this direction are encrypted (opaque). The handler
  // decides when: a ChangeCipherSpec in TLS ≤ 1.2, not the TLS 1.3 middlebox-compatibility one.
  void mark_encrypted() { encrypted_ = true; }
  bool encrypted() const { return encrypted_; }
  void reset();

 private:
  enum class State : std::uint8_t {
    record_header,   // collecting the 5-byte header (or the 2-byte SSLv2 one)
    record_body,     // inside a TLS record
    sslv2_body,      // inside the SSLv2-compatible ClientHello
    lost,            // desynchronised: ignore the rest of this direction
  };
  enum class Message : std::uint8_t { header, body, skipping };

  bool start_record(RecordHandler& handler, bool allow_sslv2);
  bool read_record_body(core::Bytes piece, RecordHandler& handler);
  bool read_handshake(core::Bytes piece, RecordHandler& handler);
  bool read_alert(core::Bytes piece, RecordHandler& handler);
  bool end_record(RecordHandler& handler);
  void fail(RecordHandler& handler, std::string_view anomaly);
  // Appends to the message being assembled, taking a buffer on the first bytes.
  void append_message(core::Bytes part);
  void give_back_message();

  // Ordered to pack: a parser holds two of these for each handshake in flight.
  std::size_t max_message_;
  State state_ = State::record_header;
  std::array<std::uint8_t, record_header_length> header_{};
  std::uint8_t header_have_ = 0;
  bool first_record_ = true;
  RecordHeader record_{};
  std::size_t record_left_ = 0;
  bool encrypted_ = false;
  std::array<std::uint8_t, 2> alert_{};
  std::uint8_t alert_have_ = 0;

  // Handshake message assembly, across records.
  Message message_state_ = Message::header;
  std::array<std::uint8_t, handshake_header_length> message_header_{};
  std::uint8_t message_header_have_ = 0;
  std::uint32_t message_length_ = 0;
  std::size_t message_left_ = 0;  // body bytes still expected
  MessagePool& messages_;
  std::vector<std::uint8_t>* message_ = nullptr;  // a split message's bytes so far; null: none
};

}  // namespace spanwatch::proto::tls
