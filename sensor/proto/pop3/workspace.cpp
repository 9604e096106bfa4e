#include "proto/pop3/workspace.hpp"

#include <algorithm>

#include "proto/pop3/parser.hpp"

namespace spanwatch::proto::pop3 {

Pop3Workspace::Pop3Workspace(const Pop3Options& options)
    : LineWorkspace(options.max_line),
      listings([bytes = std::max<std::size_t>(options.max_data_bytes, 1),
                count = std::max<std::size_t>(options.max_data_lines, 1)] {
        auto listing = std::make_unique<ListingBuffer>();
        listing->text.resize(bytes);
        listing->lines.reserve(count);
        return listing;
      }, 0),
      decoded(options.max_line / 4 * 3 + 3) {}

}  // namespace spanwatch::proto::pop3
