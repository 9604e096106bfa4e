#pragma once
// What an FTP parser needs only for part of a session, shared by the FTP parsers of one worker:
// split-line buffers, the ring of commands awaiting their reply, and the text of the transaction
// being answered. A parser takes a piece on first need and gives it back when done (line complete,
// last pending command answered, reply emitted, reset()), so one in flight holds only what it is
// using (each used to reserve ~20 KiB of mostly idle buffers). Not thread-safe: one per worker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/fixed_string.hpp"
#include "events/ftp.hpp"
#include "proto/line_framer.hpp"
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

// max_pending_commands slots reserved; slots are constructed on first use and kept across uses.
using PendingRing = std::vector<PendingCommand>;

// The reply codes and lines of one transaction: lines are views into `text`.
struct ReplyBuffer {
  std::size_t text_size = 0;                 // max_reply_bytes
  std::unique_ptr<char[]> text;              // not zeroed: only what a parser wrote is read
  std::vector<std::string_view> lines;       // capacity max_reply_lines
  std::vector<std::uint16_t> codes;          // capacity max_reply_lines
};

struct FtpWorkspace {
  explicit FtpWorkspace(const FtpOptions& options);

  std::shared_ptr<LineBuffers> lines;
  WorkerPool<PendingRing> pending;
  WorkerPool<ReplyBuffer> replies;
};

}  // namespace spanwatch::proto::ftp
