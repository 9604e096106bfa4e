#include "proto/ftp/workspace.hpp"

#include <algorithm>

#include "proto/ftp/parser.hpp"

namespace spanwatch::proto::ftp {
namespace {

// Buffers with room for `bytes` of text and `count` lines and codes.
std::function<std::unique_ptr<ReplyBuffer>()> reply_buffers(std::size_t bytes, std::size_t count, bool full_size) {
  return [bytes, count, full_size] {
    auto reply = std::make_unique<ReplyBuffer>();
    reply->text_size = bytes;
    reply->text = std::make_unique_for_overwrite<char[]>(bytes);
    reply->lines.reserve(count);
    reply->codes.reserve(count);
    reply->full_size = full_size;
    return reply;
  };
}

}  // namespace

FtpWorkspace::FtpWorkspace(const FtpOptions& options)
    : LineWorkspace(options.max_line),
      short_replies(reply_buffers(std::min<std::size_t>(short_reply_bytes, std::max<std::size_t>(options.max_reply_bytes, 1)),
                                  std::min<std::size_t>(short_reply_lines, std::max<std::size_t>(options.max_reply_lines, 1)),
                                  false),
                    0),
      full_replies(reply_buffers(std::max<std::size_t>(options.max_reply_bytes, 1),
                                 std::max<std::size_t>(options.max_reply_lines, 1), true),
                   0) {}

}  // namespace spanwatch::proto::ftp
