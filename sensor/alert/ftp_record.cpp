#include "alert/ftp_record.hpp"

#include <charconv>

namespace spanwatch::alert {

std::string_view eve_event_type(const events::ftp::Reply&) { return "ftp"; }

void write_eve_object(EveWriter& writer, const events::ftp::Reply& reply) {
  writer.key("ftp");
  writer.json().StartObject();
  if (!reply.command.empty()) writer.field("command", reply.command);
  if (!reply.command_arguments.empty()) writer.field("command_data", reply.command_arguments);
  if (reply.command_truncated) {
    writer.key("command_truncated");
    writer.json().Bool(true);
  }
  if (!reply.lines.empty()) {
    writer.key("reply");
    writer.json().StartArray();
    for (std::string_view line : reply.lines) writer.string(line);
    writer.json().EndArray();
  }
  if (!reply.codes.empty()) {
    writer.key("completion_code");
    writer.json().StartArray();
    for (std::uint16_t code : reply.codes) {
      char text[8];
      const auto result = std::to_chars(text, text + sizeof text, code);
      writer.json().String(text, static_cast<rapidjson::SizeType>(result.ptr - text));
    }
    writer.json().EndArray();
  }
  if (reply.data_port != 0) {
    writer.key("dynamic_port");
    writer.json().Uint(reply.data_port);
  }
  if (reply.mode != events::ftp::DataMode::none) {
    const std::string_view mode = events::ftp::name_of(reply.mode);
    writer.key("mode");
    writer.json().String(mode.data(), static_cast<rapidjson::SizeType>(mode.size()));
  }
  writer.key("reply_received");
  writer.json().String(reply.codes.empty() ? "no" : "yes");
  if (reply.reply_truncated) {
    writer.key("reply_truncated");
    writer.json().Bool(true);
  }
  writer.json().EndObject();
}

}  // namespace spanwatch::alert
