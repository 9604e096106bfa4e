#pragma once
// Runs a conversation through the parser and formats every tls.handshake event as an EVE line.
#include <string>
#include <vector>

#include "alert/tls_record.hpp"
#include "conversations.hpp"

namespace spanwatch::testing::tls_test {

class EveLineSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    const auto* h = std::get_if<events::tls::Handshake>(&event);
    if (h == nullptr) return;
    alert::FlowHeader flow;
    flow.flow_id = 1234;
    flow.src_ip = core::IpAddress::parse("192.0.2.10").value_or(core::IpAddress{});
    flow.dest_ip = core::IpAddress::parse("198.51.100.20").value_or(core::IpAddress{});
    flow.src_port = 50000;
    flow.dest_port = 443;
    flow.has_ports = true;
    flow.ip_protocol = 6;
    writer_.begin(alert::eve_event_type(*h), core::Timestamp{1764446400, 0}, &flow);
    alert::write_eve_object(writer_, *h);
    lines.emplace_back(writer_.end());
  }
  std::vector<std::string> lines;

 private:
  alert::EveWriter writer_;
};

inline std::vector<std::string> eve_lines(const Conversation& conversation) {
  EveLineSink sink;
  proto::tls::TlsParser parser;
  proto::FeedContext context{sink, {}};
  bool stopped = false;
  for (const auto& chunk : conversation) {
    std::size_t consumed = 0;
    if (!stopped) stopped = parser.feed(chunk.direction, chunk.bytes, context, consumed).want == proto::Verdict::Want::stop;
  }
  if (!stopped) parser.finish(context);
  return sink.lines;
}

}  // namespace spanwatch::testing::tls_test
