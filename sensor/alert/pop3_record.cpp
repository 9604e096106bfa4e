#include "alert/pop3_record.hpp"

namespace spanwatch::alert {

std::string_view eve_event_type(const events::pop3::Response&) { return "pop3"; }

void write_eve_object(EveWriter& writer, const events::pop3::Response& response) {
  writer.key("pop3");
  writer.json().StartObject();
  if (!response.command.empty()) {
    writer.key("request");
    writer.json().StartObject();
    writer.field("command", response.command);
    writer.key("args");
    writer.json().StartArray();
    std::string_view rest = response.command_arguments;
    while (!rest.empty()) {
      const std::size_t space = rest.find(' ');
      const std::string_view arg = rest.substr(0, space);
      if (!arg.empty()) writer.string(arg);
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
    writer.json().EndArray();
    writer.json().EndObject();
  }
  if (response.status != events::pop3::Status::none) {
    writer.key("response");
    writer.json().StartObject();
    writer.key("success");
    writer.json().Bool(response.status == events::pop3::Status::ok);
    const std::string_view status = events::pop3::name_of(response.status);
    writer.key("status");
    writer.json().String(status.data(), static_cast<rapidjson::SizeType>(status.size()));
    writer.field("header", response.header);
    if (!response.data.empty()) {
      writer.key("data");
      writer.json().StartArray();
      for (std::string_view line : response.data) writer.string(line);
      writer.json().EndArray();
    }
    writer.json().EndObject();
  }
  writer.json().EndObject();
}

}  // namespace spanwatch::alert
