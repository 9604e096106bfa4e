#pragma once
// Runs a stream-parser target's input (stream_chunks.hpp) through a dissector the way the engine
// does: probes on each direction's first bytes, skip verdicts honoured (bytes and gaps inside a skip
// are passed over), stop ends the flow, switch_protocol hands the rest to a TLS parser, finish() at
// the end. Every event is formatted as its EVE record (touching every view it carries while it is
// valid) and the line must parse as JSON.
//
// Oracle besides the sanitizers: after reset() the same input must give the same EVE lines (reset is
// "back to the state of a new flow"), and every line must be valid JSON.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "alert/app_record.hpp"
#include "alert/eve_writer.hpp"
#include "alert/flow_header.hpp"
#include "alert/record.hpp"
#include "core/ip_address.hpp"
#include "events/event_sink.hpp"
#include "fuzz_check.hpp"
#include "proto/dissector.hpp"
#include "proto/probe.hpp"
#include "proto/tls/parser.hpp"
#include "stream_chunks.hpp"

namespace spanwatch::fuzz {

// Formats every event as EVE and keeps the lines.
class EveCheckingSink final : public events::EventSink, private alert::RecordSink {
 public:
  EveCheckingSink() {
    flow_.flow_id = 1;
    flow_.src_ip = core::IpAddress::parse("192.0.2.10").value_or(core::IpAddress{});
    flow_.dest_ip = core::IpAddress::parse("198.51.100.20").value_or(core::IpAddress{});
    flow_.src_port = 50000;
    flow_.dest_port = 445;
    flow_.has_ports = true;
    flow_.ip_protocol = 6;
  }
  void emit(const events::Event& event) override {
    lines.emplace_back(events::name_of(event));
    alert::write_app_record(writer_, *this, core::Timestamp{1764446400, 0}, flow_, event);
  }
  std::vector<std::string> lines;

 private:
  bool write(const alert::Record& record) override {
    rapidjson::Document document;
    document.Parse(record.line.data(), record.line.size());
    if (document.HasParseError() || !document.IsObject()) fuzz_fail("EVE line is not a JSON object", std::string(record.line));
    lines.emplace_back(record.line);
    return true;
  }
  alert::EveWriter writer_;
  alert::FlowHeader flow_;
};

using Probe = proto::ProbeResult (*)(core::Direction, core::Bytes);

// Feeds one run of the input to `dissector` (already reset). Returns the EVE lines.
inline std::vector<std::string> run_dissector(proto::Dissector& dissector, core::Bytes input, Probe probe) {
  EveCheckingSink sink;
  proto::FeedContext context{sink, core::Timestamp{1764446400, 0}};
  proto::Dissector* current = &dissector;
  std::unique_ptr<proto::tls::TlsParser> tls;  // after a STARTTLS hand-off
  std::uint64_t skip[2] = {0, 0};
  bool probed[2] = {false, false};
  bool ended = false;
  FuzzInput in(input);
  while (!in.empty() && !ended) {
    const StreamChunk chunk = next_chunk(in);
    const unsigned d = core::index_of(chunk.direction);
    if (chunk.gap) {
      const std::uint64_t skipped = std::min(skip[d], chunk.gap_length);
      skip[d] -= skipped;
      if (chunk.gap_length > skipped || chunk.gap_length == 0) {
        const proto::Verdict v = current->gap(chunk.direction, chunk.gap_length - skipped, context);
        if (v.want == proto::Verdict::Want::stop) ended = true;
        if (v.want == proto::Verdict::Want::skip) skip[d] += v.skip_bytes;
      }
      continue;
    }
    core::Bytes bytes = chunk.bytes;
    // A heap copy of exactly this chunk, freed after the call: a parser keeping a view past the call
    // reads freed memory, and one reading past the end reads past the allocation.
    std::vector<std::uint8_t> owned(bytes.begin(), bytes.end());
    bytes = core::Bytes(owned.data(), owned.size());
    if (probe != nullptr && !probed[d] && !bytes.empty()) {
      probed[d] = true;
      probe(chunk.direction, bytes);
    }
    while (!ended) {
      const std::uint64_t skipped = std::min<std::uint64_t>(skip[d], bytes.size());
      skip[d] -= skipped;
      bytes = bytes.subspan(static_cast<std::size_t>(skipped));
      if (bytes.empty()) break;
      std::size_t consumed = bytes.size();
      const proto::Verdict v = current->feed(chunk.direction, bytes, context, consumed);
      if (consumed > bytes.size()) fuzz_fail("a dissector consumed more bytes than it was given");
      if (v.want == proto::Verdict::Want::stop) {
        ended = true;
      } else if (v.want == proto::Verdict::Want::switch_protocol) {
        if (v.next != events::Protocol::tls || tls) {
          ended = true;
          break;
        }
        tls = std::make_unique<proto::tls::TlsParser>();
        current = tls.get();
        bytes = bytes.subspan(consumed);
        skip[0] = skip[1] = 0;
      } else if (v.want == proto::Verdict::Want::skip) {
        skip[d] += v.skip_bytes;
        bytes = bytes.subspan(consumed);
      } else {
        break;
      }
    }
  }
  if (!ended) current->finish(context);
  return std::move(sink.lines);
}

// The whole check: a fresh run, then reset() and the same input again, which must tell the same.
inline void check_dissector(proto::Dissector& dissector, core::Bytes input, Probe probe) {
  const std::vector<std::string> first = run_dissector(dissector, input, probe);
  // SPANWATCH_FUZZ_PRINT=1 shows what an input reaches (when writing seeds or reading a finding).
  if (std::getenv("SPANWATCH_FUZZ_PRINT") != nullptr) {
    for (const auto& line : first) std::fprintf(stderr, "%s\n", line.c_str());
  }
  dissector.reset();
  const std::vector<std::string> second = run_dissector(dissector, input, probe);
  if (first != second) {
    std::string detail;
    for (std::size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
      const std::string a = i < first.size() ? first[i] : "(none)";
      const std::string b = i < second.size() ? second[i] : "(none)";
      if (a != b) {
        detail = "line " + std::to_string(i) + ":\n  fresh: " + a + "\n  reset: " + b;
        break;
      }
    }
    fuzz_fail("the same input after reset() gave other events", detail);
  }
}

}  // namespace spanwatch::fuzz
