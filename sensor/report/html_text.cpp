#include "report/html_text.hpp"

namespace spanwatch::report {

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t': out += c; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string mask_user(std::string_view user) {
  std::string out;
  const auto slash = user.find_last_of("\\/@");
  std::string_view name = user;
  if (slash != std::string_view::npos && user[slash] != '@') {
    out.append(user.substr(0, slash + 1));
    name = user.substr(slash + 1);
  } else if (slash != std::string_view::npos) {
    name = user.substr(0, slash);
  }
  if (name.empty()) return out + "(empty)";
  // The first character as a whole UTF-8 sequence, so a masked name stays valid text.
  std::size_t first = 1;
  while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) ++first;
  out.append(name.substr(0, first));
  out += "***";
  if (slash != std::string_view::npos && user[slash] == '@') out.append(user.substr(slash));
  return out;
}

}  // namespace spanwatch::report
