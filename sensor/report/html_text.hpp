#pragma once
// Text for the page: everything that came from eve.json goes through html_escape (element text and
// attribute values alike), and user names through mask_user unless the report is in lab mode.
#include <string>
#include <string_view>

namespace spanwatch::report {

// & < > " ' as character references; control characters other than tab become U+FFFD.
void append_escaped(std::string& out, std::string_view text);
std::string html_escape(std::string_view text);

// "alice" -> "a***", "CORP\alice" -> "CORP\a***": enough to tell accounts apart at a debrief
// without printing the account list; the length is not kept.
std::string mask_user(std::string_view user);

}  // namespace spanwatch::report
