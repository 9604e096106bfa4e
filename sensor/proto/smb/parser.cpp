#include "proto/smb/parser.hpp"

#include <algorithm>
#include <cstring>

#include "proto/smb/wire_nbss.hpp"

namespace spanwatch::proto::smb {
namespace {

// Enough of a message to tell SMB1 from SMB2 and read the SMB2 header (command, NextCommand).
constexpr std::size_t peek_size = smb2_header_size;

bool smb1_command_wanted(std::uint8_t command) {
  return command == smb1_command::negotiate || command == smb1_command::session_setup_andx ||
         command == smb1_command::tree_connect_andx || command == smb1_command::logoff_andx;
}
bool smb2_command_wanted(std::uint16_t command) {
  return command <= static_cast<std::uint16_t>(Smb2Command::tree_connect);
}

// A parser built without the worker's buffers gets its own, one per direction built at once (so that
// it, too, allocates nothing after construction), and its own pending-request pools (these grow to
// its most requests outstanding at once).
SmbOptions with_worker_pools(SmbOptions options) {
  if (!options.message_buffers) options.message_buffers = make_message_buffers(options, 2);
  if (!options.pending_pools) options.pending_pools = std::make_shared<PendingPools>();
  return options;
}

}  // namespace

std::shared_ptr<MessageBuffers> make_message_buffers(const SmbOptions& options, std::size_t preallocated) {
  const std::size_t bytes = std::max<std::size_t>(options.max_message_bytes, peek_size);
  return std::make_shared<MessageBuffers>(reserved_vectors<std::uint8_t>(bytes), preallocated);
}

SmbParser::SmbParser(const SmbOptions& options)
    : options_(with_worker_pools(options)),
      session_setups_(options.max_pending_requests, options_.pending_pools->session_setups),
      tree_connects_(options.max_pending_requests, options_.pending_pools->tree_connects) {}

SmbParser::~SmbParser() {
  for (auto& d : directions_) drop(d);
  end_negotiate();
}

core::Bytes SmbParser::buffered(const DirectionState& d) {
  return d.buffer == nullptr ? core::Bytes{} : core::Bytes(*d.buffer);
}

// Appends within the capacity reserved (max(max_message_bytes, peek_size): callers never exceed it).
void SmbParser::append(DirectionState& d, core::Bytes bytes) {
  if (bytes.empty()) return;
  if (d.buffer == nullptr) d.buffer = options_.message_buffers->take();  // empty, capacity reserved
  const std::size_t old = d.buffer->size();
  d.buffer->resize(old + bytes.size());
  std::memcpy(d.buffer->data() + old, bytes.data(), bytes.size());
}

void SmbParser::drop(DirectionState& d) {
  if (d.buffer == nullptr) return;
  d.buffer->clear();
  options_.message_buffers->give_back(d.buffer);
  d.buffer = nullptr;
}

void SmbParser::reset() {
  for (auto& d : directions_) {
    d.state = FrameState::header;
    d.window_size = 0;
    d.message_length = 0;
    d.discard_remaining = 0;
    drop(d);
  }
  connection_ = {};
  session_setups_.clear();
  tree_connects_.clear();
  end_negotiate();
  counters_ = {};
}

PendingNegotiate& SmbParser::start_negotiate() {
  if (negotiate_ == nullptr) negotiate_ = options_.pending_pools->negotiates.take();
  *negotiate_ = PendingNegotiate{};
  return *negotiate_;
}

void SmbParser::end_negotiate() {
  if (negotiate_ == nullptr) return;
  options_.pending_pools->negotiates.give_back(negotiate_);
  negotiate_ = nullptr;
}

void SmbParser::anomaly(SmbAnomaly a, FeedContext& context) {
  counters_.anomalies.add(a);
  context.sink.emit(events::AppAnomaly{events::Protocol::smb, name_of(a)});
}

Verdict SmbParser::feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) {
  consumed = bytes.size();
  DirectionState& d = directions_[core::index_of(direction)];
  std::size_t at = 0;
  while (at < bytes.size()) {
    const core::Bytes input = bytes.subspan(at);
    switch (d.state) {
      case FrameState::header: {
        at += on_header_bytes(d, input, context);
        // Zero copy: a whole message in the caller's bytes is parsed where it lies (up to the same
        // size limit as a buffered one, so the events do not depend on how the bytes were cut).
        if (d.state == FrameState::peek && d.buffer == nullptr && bytes.size() - at >= d.message_length &&
            d.message_length <= options_.max_message_bytes) {
          handle_message(direction, bytes.subspan(at, d.message_length), context);
          at += d.message_length;
          d.state = FrameState::header;
        }
        break;
      }
      case FrameState::peek:
      case FrameState::body: {
        const std::size_t goal = d.state == FrameState::peek ? std::min<std::size_t>(d.message_length, peek_size)
                                                             : d.message_length;
        const std::size_t n = std::min(goal - buffered(d).size(), input.size());
        append(d, input.first(n));
        at += n;
        const core::Bytes message = buffered(d);
        if (message.size() < goal) break;
        if (d.state == FrameState::body || message.size() == d.message_length) {
          handle_message(direction, message, context);
          drop(d);
          d.state = FrameState::header;
        } else if (!wants_message(message, context)) {
          d.discard_remaining = d.message_length - message.size();
          drop(d);
          d.state = FrameState::discard;
        } else if (d.message_length > options_.max_message_bytes) {
          anomaly(SmbAnomaly::message_too_large, context);
          d.discard_remaining = d.message_length - message.size();
          drop(d);
          d.state = FrameState::discard;
        } else {
          d.state = FrameState::body;
        }
        break;
      }
      case FrameState::discard: {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(d.discard_remaining, input.size()));
        at += n;
        d.discard_remaining -= n;
        counters_.skipped_bytes += n;
        if (d.discard_remaining == 0) d.state = FrameState::header;
        break;
      }
      case FrameState::resync:
        at += on_resync_bytes(d, input, context);
        break;
    }
  }
  // The rest of a body beyond these bytes: let reassembly pass over it unseen.
  if (d.state == FrameState::discard && d.discard_remaining > 0) {
    const std::uint64_t rest = d.discard_remaining;
    counters_.skipped_bytes += rest;
    d.discard_remaining = 0;
    d.state = FrameState::header;
    return Verdict::skip(rest);
  }
  return Verdict::more();
}

std::size_t SmbParser::on_header_bytes(DirectionState& d, core::Bytes input, FeedContext& context) {
  const std::size_t n = std::min(nbss_header_size - d.window_size, input.size());
  for (std::size_t i = 0; i < n; ++i) d.window[d.window_size++] = input[i];
  if (d.window_size < nbss_header_size) return n;
  d.window_size = 0;
  const auto header = parse_nbss_header(core::Bytes(d.window.data(), nbss_header_size));
  if (!header) {
    anomaly(SmbAnomaly::invalid_nbss_header, context);
    d.state = FrameState::resync;
    return n;
  }
  if (header->type != NbssType::session_message) {
    // Session request/response and keep-alives carry nothing we report.
    d.discard_remaining = header->length;
    d.state = header->length ? FrameState::discard : FrameState::header;
    return n;
  }
  begin_message(d, header->length);
  return n;
}

void SmbParser::begin_message(DirectionState& d, std::uint32_t length) {
  d.message_length = length;
  drop(d);
  d.state = length ? FrameState::peek : FrameState::header;
}

// Slides an 8-byte window over the stream until it holds a session message header whose message
// starts with an SMB magic; the 4 magic bytes then become the start of the buffered message.
std::size_t SmbParser::on_resync_bytes(DirectionState& d, core::Bytes input, FeedContext& context) {
  std::size_t at = 0;
  while (at < input.size()) {
    if (d.window_size == d.window.size()) {
      std::copy(d.window.begin() + 1, d.window.end(), d.window.begin());
      --d.window_size;
    }
    d.window[d.window_size++] = input[at++];
    if (d.window_size < d.window.size()) continue;
    const core::Bytes window(d.window.data(), d.window.size());
    const auto header = parse_nbss_header(window.first(nbss_header_size));
    if (!header || header->type != NbssType::session_message || header->length < smb1_header_size) continue;
    if (classify_magic(window.subspan(nbss_header_size)) == SmbMagic::none) continue;
    anomaly(SmbAnomaly::resynchronised, context);
    begin_message(d, header->length);
    append(d, window.subspan(nbss_header_size));
    d.window_size = 0;
    return at;
  }
  return at;
}

bool SmbParser::wants_message(core::Bytes first_bytes, FeedContext& context) {
  switch (classify_magic(first_bytes)) {
    case SmbMagic::smb1: {
      const bool wanted = first_bytes.size() > 4 && smb1_command_wanted(first_bytes[4]);
      if (!wanted) ++counters_.smb1_messages;
      return wanted;
    }
    case SmbMagic::smb2: {
      const auto header = parse_smb2_header(first_bytes);
      if (!header) {
        anomaly(SmbAnomaly::malformed_smb2, context);
        return false;
      }
      if (header->next_command == 0 && !smb2_command_wanted(static_cast<std::uint16_t>(header->command))) {
        ++counters_.smb2_messages;
        return false;
      }
      return true;
    }
    case SmbMagic::transform:
      ++counters_.encrypted_messages;
      return false;
    case SmbMagic::none:
      anomaly(SmbAnomaly::unknown_protocol_id, context);
      return false;
  }
  return false;
}

void SmbParser::handle_message(core::Direction direction, core::Bytes message, FeedContext& context) {
  switch (classify_magic(message)) {
    case SmbMagic::smb1:
      ++counters_.smb1_messages;
      handle_smb1(direction, message, context);
      return;
    case SmbMagic::smb2:
      handle_smb2(message, context);
      return;
    case SmbMagic::transform:
      ++counters_.encrypted_messages;
      return;
    case SmbMagic::none:
      anomaly(SmbAnomaly::unknown_protocol_id, context);
      return;
  }
}

Verdict SmbParser::gap(core::Direction direction, std::uint64_t length, FeedContext&) {
  ++counters_.gaps;
  DirectionState& d = directions_[core::index_of(direction)];
  // A hole inside a body we were passing over anyway costs nothing.
  if (length > 0 && d.state == FrameState::discard && length <= d.discard_remaining) {
    d.discard_remaining -= length;
    if (d.discard_remaining == 0) d.state = FrameState::header;
    return Verdict::more();
  }
  d.state = FrameState::resync;
  d.window_size = 0;
  drop(d);
  d.discard_remaining = 0;
  return Verdict::more();
}

void SmbParser::finish(FeedContext& context) {
  // A logon attempt whose response never came (the capture ended, the server died, the response
  // was lost in a gap) is still a fact: reported without an outcome, as Suricata logs the request.
  emit_unanswered_session_setups(context);
}

}  // namespace spanwatch::proto::smb
