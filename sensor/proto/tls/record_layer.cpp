#include "proto/tls/record_layer.hpp"

#include <algorithm>

namespace spanwatch::proto::tls {

RecordLayer::RecordLayer(std::size_t max_handshake_message, MessagePool& messages)
    : max_message_(max_handshake_message), messages_(messages) {}

void RecordLayer::append_message(core::Bytes part) {
  if (message_ == nullptr) message_ = messages_.take();  // empty, capacity max_message_: no growth
  message_->insert(message_->end(), part.begin(), part.end());
}

void RecordLayer::give_back_message() {
  if (message_ == nullptr) return;
  message_->clear();
  messages_.give_back(message_);
  message_ = nullptr;
}

void RecordLayer::reset() {
  state_ = State::record_header;
  header_have_ = 0;
  record_ = {};
  record_left_ = 0;
  first_record_ = true;
  encrypted_ = false;
  message_state_ = Message::header;
  message_header_have_ = 0;
  message_length_ = 0;
  message_left_ = 0;
  give_back_message();
  alert_have_ = 0;
}

void RecordLayer::fail(RecordHandler& handler, std::string_view anomaly) {
  handler.on_anomaly(anomaly);
  lose_sync();
}

std::size_t RecordLayer::feed(core::Bytes bytes, RecordHandler& handler, bool allow_sslv2) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    switch (state_) {
      case State::lost:
        return bytes.size();
      case State::record_header: {
        // An SSLv2-compatible ClientHello has a 2-byte header with the high bit set; only the very
        // first bytes of the client may be one.
        const bool sslv2 = first_record_ && allow_sslv2 && (header_have_ > 0 ? (header_[0] & 0x80u) : (bytes[at] & 0x80u));
        const std::size_t wanted = sslv2 ? 2 : record_header_length;
        const std::size_t n = std::min(wanted - header_have_, bytes.size() - at);
        std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), n, header_.begin() + static_cast<std::ptrdiff_t>(header_have_));
        header_have_ += n;
        at += n;
        if (header_have_ < wanted) return at;
        header_have_ = 0;
        if (sslv2) {
          first_record_ = false;
          record_left_ = sslv2_record_length(header_[0], header_[1]);
          if (record_left_ < 9 || record_left_ > max_message_) {
            fail(handler, "tls.invalid_sslv2_hello");
            return bytes.size();
          }
          give_back_message();
          state_ = State::sslv2_body;
          break;
        }
        if (!start_record(handler, allow_sslv2)) return at;
        break;
      }
      case State::record_body: {
        const std::size_t n = std::min(record_left_, bytes.size() - at);
        const core::Bytes piece = bytes.subspan(at, n);
        record_left_ -= n;
        at += n;
        if (!read_record_body(piece, handler)) return at;
        if (state_ == State::lost) return bytes.size();
        if (record_left_ == 0) {
          state_ = State::record_header;
          if (!end_record(handler)) return at;
        }
        break;
      }
      case State::sslv2_body: {
        const std::size_t n = std::min(record_left_, bytes.size() - at);
        append_message(bytes.subspan(at, n));
        record_left_ -= n;
        at += n;
        if (record_left_ == 0) {
          state_ = State::record_header;
          const bool go_on = handler.on_sslv2_client_hello(*message_);
          give_back_message();
          if (!go_on) return at;
        }
        break;
      }
    }
  }
  return at;
}

bool RecordLayer::start_record(RecordHandler& handler, bool) {
  first_record_ = false;
  switch (parse_record_header(header_, record_)) {
    case WireError::none: break;
    case WireError::too_long: fail(handler, "tls.record_too_long"); return true;
    default: fail(handler, "tls.invalid_record_header"); return true;
  }
  record_left_ = record_.length;
  const auto type = static_cast<ContentType>(record_.type);
  const bool message_pending = message_state_ != Message::header || message_header_have_ > 0;
  if (type != ContentType::handshake && message_pending) {
    handler.on_anomaly("tls.interleaved_handshake");
    message_state_ = Message::header;
    message_header_have_ = 0;
    give_back_message();
  }
  if (record_.length == 0 && type != ContentType::application_data) handler.on_anomaly("tls.empty_record");
  bool go_on = true;
  const bool opaque = type == ContentType::application_data || type == ContentType::heartbeat ||
                      (encrypted_ && type == ContentType::handshake);
  if (opaque) go_on = handler.on_encrypted_record(record_);
  if (type == ContentType::alert && encrypted_) go_on = handler.on_alert(0, 0, true);
  state_ = State::record_body;
  if (record_left_ == 0) {
    state_ = State::record_header;
    if (go_on) go_on = end_record(handler);
  }
  return go_on;
}

bool RecordLayer::read_record_body(core::Bytes piece, RecordHandler& handler) {
  switch (static_cast<ContentType>(record_.type)) {
    case ContentType::handshake:
      return encrypted_ ? true : read_handshake(piece, handler);
    case ContentType::alert:
      return encrypted_ ? true : read_alert(piece, handler);
    default:
      return true;  // ChangeCipherSpec is acted on at the end of its record; the rest is opaque
  }
}

bool RecordLayer::end_record(RecordHandler& handler) {
  if (static_cast<ContentType>(record_.type) != ContentType::change_cipher_spec) return true;
  return handler.on_change_cipher_spec();
}

bool RecordLayer::read_alert(core::Bytes piece, RecordHandler& handler) {
  for (const std::uint8_t byte : piece) {
    alert_[alert_have_++] = byte;
    if (alert_have_ == alert_.size()) {
      alert_have_ = 0;
      if (!handler.on_alert(alert_[0], alert_[1], false)) return false;
    }
  }
  return true;
}

bool RecordLayer::read_handshake(core::Bytes piece, RecordHandler& handler) {
  std::size_t at = 0;
  while (at < piece.size()) {
    switch (message_state_) {
      case Message::header: {
        const std::size_t n = std::min(handshake_header_length - message_header_have_, piece.size() - at);
        std::copy_n(piece.begin() + static_cast<std::ptrdiff_t>(at), n,
                    message_header_.begin() + static_cast<std::ptrdiff_t>(message_header_have_));
        message_header_have_ += n;
        at += n;
        if (message_header_have_ < handshake_header_length) break;
        message_header_have_ = 0;
        message_length_ = (std::uint32_t{message_header_[1]} << 16) | (std::uint32_t{message_header_[2]} << 8) |
                          message_header_[3];
        message_left_ = message_length_;
        give_back_message();
        if (message_length_ > max_message_) {
          handler.on_anomaly("tls.handshake_message_too_long");
          message_state_ = Message::skipping;
          break;
        }
        message_state_ = Message::body;
        if (message_left_ == 0) {
          message_state_ = Message::header;
          if (!handler.on_handshake_message(record_, message_header_[0], {})) return false;
        }
        break;
      }
      case Message::body: {
        const std::size_t n = std::min(message_left_, piece.size() - at);
        const core::Bytes part = piece.subspan(at, n);
        at += n;
        message_left_ -= n;
        if (message_left_ == 0 && message_ == nullptr) {
          // The whole message is in this piece: no copy.
          message_state_ = Message::header;
          if (!handler.on_handshake_message(record_, message_header_[0], part)) return false;
          break;
        }
        append_message(part);
        if (message_left_ == 0) {
          message_state_ = Message::header;
          const bool go_on = handler.on_handshake_message(record_, message_header_[0], *message_);
          give_back_message();
          if (!go_on) return false;
        }
        break;
      }
      case Message::skipping: {
        const std::size_t n = std::min(message_left_, piece.size() - at);
        at += n;
        message_left_ -= n;
        if (message_left_ == 0) message_state_ = Message::header;
        break;
      }
    }
  }
  return true;
}

}  // namespace spanwatch::proto::tls
