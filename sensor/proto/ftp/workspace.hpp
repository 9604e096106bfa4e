#pragma once
// What an FTP parser needs only for part of a session, shared by the FTP parsers of one worker:
// split-line buffers, the commands awaiting their reply, and the text of the transaction being
// answered (short or full-size). A parser takes a piece on first need and gives it back when done (line complete,
// command answered, reply emitted, reset()), so one in flight holds only what it is using (each
// used to reserve ~20 KiB of mostly idle buffers). Not thread-safe: one per worker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/fixed_string.hpp"
#include "events/ftp.hpp"
#include "proto/line_session.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::ftp {

struct FtpOptions;

enum class CommandKind : std::uint8_t { other, user, pass, acct, auth_tls, port, pasv, epsv, lpsv };

struct PendingCommand {
  core::FixedString<16> verb;
  core::FixedString<512> arguments;  // masked for PASS / ACCT
  bool truncated = false;
  CommandKind kind = CommandKind::other;
  events::ftp::DataMode mode = events::ftp::DataMode::none;
  std::uint16_t data_port = 0;
};

// Commands awaiting their reply, oldest first: an entry per command, from the worker's pool.
using PendingQueue = PooledQueue<PendingCommand>;

// The reply codes and lines of one transaction: lines are views into `text`.
struct ReplyBuffer {
  std::size_t text_size = 0;                 // bytes of `text`
  std::unique_ptr<char[]> text;              // not zeroed: only what a parser wrote is read
  std::vector<std::string_view> lines;       // capacity: the most lines kept
  std::vector<std::uint16_t> codes;          // capacity: the most codes kept
  bool full_size = false;                    // from FtpWorkspace::full_replies
};

// A transaction starts in a short buffer: nearly every reply is a line or two of well under a
// hundred bytes, while a busy session waits with one (150 until 226) for the whole transfer. Only
// a reply that outgrows it moves to a full-size one (max_reply_bytes, max_reply_lines), so the
// worker keeps a page per long reply in flight rather than one per busy session.
constexpr std::size_t short_reply_bytes = 256;
constexpr std::size_t short_reply_lines = 4;

// Line buffers and pending commands as every line protocol's (LineWorkspace), and reply text.
struct FtpWorkspace : LineWorkspace<PendingCommand> {
  explicit FtpWorkspace(const FtpOptions& options);

  WorkerPool<ReplyBuffer> short_replies;
  WorkerPool<ReplyBuffer> full_replies;
};

}  // namespace spanwatch::proto::ftp
