#include "proto/ftp/workspace.hpp"

#include <algorithm>

#include "proto/ftp/parser.hpp"

namespace spanwatch::proto::ftp {

FtpWorkspace::FtpWorkspace(const FtpOptions& options)
    : lines(make_line_buffers(options.max_line, 0)),
      pending(reserved_vectors<PendingCommand>(std::max<std::size_t>(options.max_pending_commands, 1)), 0),
      replies([bytes = std::max<std::size_t>(options.max_reply_bytes, 1),
               count = std::max<std::size_t>(options.max_reply_lines, 1)] {
        auto reply = std::make_unique<ReplyBuffer>();
        reply->text_size = bytes;
        reply->text = std::make_unique_for_overwrite<char[]>(bytes);
        reply->lines.reserve(count);
        reply->codes.reserve(count);
        return reply;
      }, 0) {}

}  // namespace spanwatch::proto::ftp
