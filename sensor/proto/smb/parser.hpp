#pragma once
// The SMB dissector: NetBIOS framing over 139/445, SMB1 and SMB2/3 NEGOTIATE, SESSION_SETUP and
// TREE_CONNECT, reported as smb::Negotiate / SessionSetup / TreeConnect events. Messages it does not
// parse (READ/WRITE bodies...) are skipped by length without buffering; messages it parses are taken
// from the caller's bytes when whole, or copied when split into a bounded buffer taken from the
// worker's pool for as long as the message is incomplete.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/counters.hpp"
#include "proto/dissector.hpp"
#include "proto/smb/session_state.hpp"
#include "proto/smb/smb_anomaly.hpp"
#include "proto/smb/wire_smb1.hpp"
#include "proto/smb/wire_smb2.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::smb {

// Buffers for messages split across segments, shared by the SMB parsers of one worker: a parser
// holds one per direction only while a wanted message is incomplete (reserved pages of a buffer per
// parser and direction, mostly idle, were a third of a parser's memory). Not thread-safe.
using MessageBuffers = proto::WorkerPool<std::vector<std::uint8_t>>;

struct SmbOptions {
  // Largest NBSS message buffered whole when it arrives split (negotiate, session setup, tree
  // connect, compounds); larger ones are skipped with smb.message_too_large.
  std::uint32_t max_message_bytes = 16384;
  // Outstanding requests remembered per table (session setups, tree connects) per flow.
  std::uint32_t max_pending_requests = 16;
  // AndX links / SMB2 compound messages followed within one NBSS message.
  std::uint32_t max_chain_length = 32;
  // Lab mode: SMB1 plaintext passwords leave the parser in clear (otherwise masked).
  bool log_cleartext_passwords = false;
  // The worker's message buffers (make_message_buffers); null: each parser makes its own.
  std::shared_ptr<MessageBuffers> message_buffers;
  // The worker's pending-request entries; null: each parser makes its own.
  std::shared_ptr<PendingPools> pending_pools;
};

// A pool of buffers of max_message_bytes each (`preallocated` built at once; more at warm-up).
std::shared_ptr<MessageBuffers> make_message_buffers(const SmbOptions& options, std::size_t preallocated);

struct SmbCounters {
  std::uint64_t smb1_messages = 0;
  std::uint64_t smb2_messages = 0;
  std::uint64_t encrypted_messages = 0;  // SMB3 transform headers: counted, never opened
  std::uint64_t skipped_bytes = 0;       // message bodies passed over unparsed
  std::uint64_t gaps = 0;
  std::uint64_t session_setups = 0;      // final SESSION_SETUP responses reported
  std::uint64_t unanswered_session_setups = 0;  // requests reported at finish() without a response
  core::EnumCounters<SmbAnomaly> anomalies;
};

class SmbParser final : public Dissector {
 public:
  explicit SmbParser(const SmbOptions& options = {});
  ~SmbParser() override;
  SmbParser(const SmbParser&) = delete;
  SmbParser& operator=(const SmbParser&) = delete;

  events::Protocol protocol() const override { return events::Protocol::smb; }
  Verdict feed(core::Direction direction, core::Bytes bytes, FeedContext& context, std::size_t& consumed) override;
  Verdict gap(core::Direction direction, std::uint64_t length, FeedContext& context) override;
  void finish(FeedContext& context) override;
  void reset() override;

  const SmbCounters& counters() const { return counters_; }

 private:
  enum class FrameState : std::uint8_t {
    header,   // collecting the 4-byte NetBIOS header
    peek,     // collecting the first bytes of a message to decide whether it is wanted
    body,     // buffering a wanted message
    discard,  // passing over an unwanted message (or the rest of one)
    resync,   // after a gap or a bad header: looking for a header followed by an SMB magic
  };
  struct DirectionState {
    FrameState state = FrameState::header;
    std::array<std::uint8_t, 8> window{};  // header bytes, or the resync search window
    std::size_t window_size = 0;
    std::uint32_t message_length = 0;
    std::uint64_t discard_remaining = 0;
    std::vector<std::uint8_t>* buffer = nullptr;  // from options_.message_buffers while a message is split
  };
  // Dialect agreed for the connection (for session setup events).
  struct ConnectionState {
    events::smb::Version version = events::smb::Version::smb2;
    std::uint16_t dialect = 0;
    core::FixedString<24> dialect_name;
    bool smb1_encrypt_passwords = true;
  };

  // Framing (parser.cpp).
  std::size_t on_header_bytes(DirectionState& d, core::Bytes input, FeedContext& context);
  std::size_t on_resync_bytes(DirectionState& d, core::Bytes input, FeedContext& context);
  // The split message's bytes so far; append() takes a buffer on the first ones, drop() gives it back.
  static core::Bytes buffered(const DirectionState& d);
  void append(DirectionState& d, core::Bytes bytes);
  void drop(DirectionState& d);
  // Whether a message starting with `first_bytes` is parsed (else skipped); counts the skipped ones.
  bool wants_message(core::Bytes first_bytes, FeedContext& context);
  void begin_message(DirectionState& d, std::uint32_t length);
  void handle_message(core::Direction direction, core::Bytes message, FeedContext& context);
  void anomaly(SmbAnomaly a, FeedContext& context);

  // SMB1 (parser_smb1.cpp).
  void handle_smb1(core::Direction direction, core::Bytes message, FeedContext& context);
  void smb1_negotiate(const Smb1Header& header, const Smb1Block& block, FeedContext& context);
  void smb1_session_setup_request(const Smb1Header& header, const Smb1Block& block, FeedContext& context);
  void smb1_session_setup_response(const Smb1Header& header, const Smb1Block& block, FeedContext& context);
  void smb1_tree_connect(const Smb1Header& header, const Smb1Block* block, FeedContext& context);

  // SMB2 (parser_smb2.cpp).
  void handle_smb2(core::Bytes message, FeedContext& context);
  void smb2_negotiate(const Smb2Header& header, core::Bytes message, FeedContext& context);
  void smb2_session_setup(const Smb2Header& header, core::Bytes message, FeedContext& context);
  void smb2_tree_connect(const Smb2Header& header, core::Bytes message, FeedContext& context);

  // Identity from a security blob (parser_identity.cpp).
  void identity_from_blob(core::Bytes blob, Identity& identity, FeedContext& context);
  void emit_session_setup(const PendingSessionSetup* pending, events::smb::Version version,
                          const events::smb::Status& status, std::uint64_t session_id, bool guest,
                          FeedContext& context);
  // At flow end: every request still waiting, as a SessionSetup without a status.
  void emit_unanswered_session_setups(FeedContext& context);

  PendingSessionSetup& insert_session_setup(std::uint64_t key, FeedContext& context);
  PendingTreeConnect& insert_tree_connect(std::uint64_t key, FeedContext& context);
  // The offered dialects of a NEGOTIATE request, from the worker's pool until its response.
  PendingNegotiate& start_negotiate();
  void end_negotiate();

  // options_.message_buffers and pending_pools are never null (declared first: they outlive the
  // directions and tables holding their objects).
  SmbOptions options_;
  std::array<DirectionState, 2> directions_;
  ConnectionState connection_;
  PendingTable<PendingSessionSetup> session_setups_;
  PendingTable<PendingTreeConnect> tree_connects_;
  PendingNegotiate* negotiate_ = nullptr;  // a NEGOTIATE request awaits its response
  SmbCounters counters_;
};

}  // namespace spanwatch::proto::smb
