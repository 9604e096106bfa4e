#pragma once
// What a POP3 parser needs only for part of a session, shared by the POP3 parsers of one worker:
// split-line buffers, the commands awaiting their response, the kept lines of a listing,
// and the SASL base64 scratch. A parser takes a piece on first need and gives it back when done, so
// one in flight holds only what it is using (each used to reserve ~20 KiB of mostly idle buffers).
// Not thread-safe: one per worker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/fixed_string.hpp"
#include "proto/line_session.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::pop3 {

struct Pop3Options;

enum class CommandKind : std::uint8_t { other, user, pass, apop, auth, stls, listing, body };

struct PendingCommand {
  core::FixedString<16> verb;
  core::FixedString<512> arguments;  // secrets masked
  bool truncated = false;
  CommandKind kind = CommandKind::other;
};

// Commands awaiting their response, oldest first: an entry per command, from the worker's pool.
using PendingQueue = PooledQueue<PendingCommand>;

// The lines kept of one multi-line listing (CAPA, LIST, UIDL): views into `text`.
struct ListingBuffer {
  std::vector<char> text;                  // max_data_bytes
  std::vector<std::string_view> lines;     // capacity max_data_lines
};

// Line buffers and pending commands as every line protocol's (LineWorkspace), listings, scratch.
struct Pop3Workspace : LineWorkspace<PendingCommand> {
  explicit Pop3Workspace(const Pop3Options& options);

  WorkerPool<ListingBuffer> listings;
  std::vector<std::uint8_t> decoded;  // SASL base64 scratch, used within one call only
};

}  // namespace spanwatch::proto::pop3
