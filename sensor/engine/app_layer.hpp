#pragma once
// The application layer of one worker: recognises each TCP flow's protocol from its first bytes,
// runs the protocol's parser on the reassembled stream, and routes the parser's events to EVE (and,
// with the rule engine, to the rules). Flows no parser wants are bypassed: reassembly stops for them.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "alert/record.hpp"
#include "alert/eve_writer.hpp"
#include "core/counters.hpp"
#include "engine/app_layer_options.hpp"
#include "engine/dissector_pool.hpp"
#include "engine/flow_header.hpp"
#include "events/event_sink.hpp"
#include "flow/community_id.hpp"
#include "flow/flow.hpp"
#include "flow/tcp/stream_consumer.hpp"
#include "proto/starttls/parser.hpp"
#include "rules/rule_evaluator.hpp"
#include "rules/rule_set_holder.hpp"

namespace spanwatch::engine {

class AppLayer;

struct AppLayerStats {
  std::uint64_t flows[static_cast<std::size_t>(events::Protocol::count_)] = {};  // recognised, by protocol
  std::uint64_t tx[static_cast<std::size_t>(events::Protocol::count_)] = {};     // events, by protocol
  std::uint64_t parser_errors[static_cast<std::size_t>(events::Protocol::count_)] = {};  // app anomalies
  std::uint64_t gaps[static_cast<std::size_t>(events::Protocol::count_)] = {};
  std::uint64_t pool_exhausted[static_cast<std::size_t>(events::Protocol::count_)] = {};
  std::uint64_t unrecognised = 0;       // flows no probe claimed (bypassed)
  std::uint64_t late_tls = 0;           // flows where TLS started after a plain prologue
  std::uint64_t probe_buffers_exhausted = 0;
  std::uint64_t protocol_switches = 0;  // STARTTLS hand-offs
  std::uint64_t bytes[2] = {0, 0};      // handed to parsers, by core::Direction
  std::uint64_t records = 0;            // EVE app records written
  std::uint64_t anomaly_records_suppressed = 0;  // past anomaly_records_per_flow (still counted, still matched)
  std::uint64_t alerts = 0;
  // Alerts by signature id, for the run summary (the first ids seen; more are only in `alerts`).
  static constexpr std::size_t tracked_rules = 32;
  std::uint32_t alert_rule[tracked_rules] = {};
  std::uint64_t alert_count[tracked_rules] = {};
};

// One flow's seat in the application layer: the StreamConsumer TCP reassembly feeds.
class DissectorSlot final : public flow::tcp::StreamConsumer {
 public:
  void reset(AppLayer& app, const flow::Flow& flow);
  flow::tcp::StreamVerdict feed(core::Direction direction, core::Bytes bytes) override;
  flow::tcp::StreamVerdict gap(core::Direction direction, std::uint64_t length) override;
  void finish() override;
  // A hint for a packet to come: the parser's first lines (its vtable pointer and hot fields), which
  // the flow's next delivery reads first.
  void prefetch_parser() const {
    if (dissector_ == nullptr) return;
    __builtin_prefetch(dissector_);
    __builtin_prefetch(reinterpret_cast<const char*>(dissector_) + 64);
  }

 private:
  friend class AppLayer;
  // The flow's Community ID, computed on the first record that needs it.
  std::string_view community_id();
  // watching: no parser recognised the flow's first bytes, but TLS may still start after a plain
  // prologue (HTTP CONNECT, SOCKS, RDP, LDAP/IRC STARTTLS...): each client chunk is probed for a
  // ClientHello until protocols.late_tls_window bytes have gone by.
  enum class State : std::uint8_t { recognising, watching, parsing, done };

  AppLayer* app_ = nullptr;
  const flow::Flow* flow_ = nullptr;
  proto::Dissector* dissector_ = nullptr;
  std::uint32_t probe_buffer_ = 0;  // index + 1 into the probe pool; 0: none
  std::uint16_t probe_used_ = 0;
  std::uint16_t probe_bytes_[2] = {0, 0};
  bool hopeless_[2] = {false, false};
  bool port_protocol_fits_[2] = {false, false};
  std::uint64_t skip_[2] = {0, 0};  // bytes to drop before parsing resumes (a skip met while replaying)
  std::uint32_t watched_bytes_ = 0;  // bytes seen while watching for a late ClientHello
  std::uint32_t anomaly_records_ = 0;  // app anomaly records written for this flow
  State state_ = State::recognising;
  std::uint8_t community_id_length_ = 0;  // 0: not computed yet
  char community_id_[flow::community_id_size];
};

class AppLayer final : private events::EventSink, private rules::AlertSink {
 public:
  // `rules` may be null (no detection); it outlives the AppLayer.
  AppLayer(const AppLayerOptions& options, alert::EveWriter& eve, alert::RecordSink& records,
           const rules::RuleSetHolder* rules);
  AppLayer(const AppLayer&) = delete;
  AppLayer& operator=(const AppLayer&) = delete;

  // The capture time of the packet being processed (events carry it).
  void set_time(core::Timestamp ts) { now_ = ts; }
  const AppLayerStats& stats() const { return stats_; }
  const rules::EvaluatorStats& rule_stats() const { return evaluator_.stats(); }

 private:
  friend class DissectorSlot;

  flow::tcp::StreamVerdict feed(DissectorSlot& slot, core::Direction direction, core::Bytes bytes);
  flow::tcp::StreamVerdict recognise(DissectorSlot& slot, core::Direction direction, core::Bytes bytes);
  flow::tcp::StreamVerdict watch(DissectorSlot& slot, core::Direction direction, core::Bytes bytes);
  flow::tcp::StreamVerdict unrecognised(DissectorSlot& slot);
  flow::tcp::StreamVerdict start(DissectorSlot& slot, events::Protocol protocol);
  flow::tcp::StreamVerdict run(DissectorSlot& slot, core::Direction direction, core::Bytes bytes);
  flow::tcp::StreamVerdict gap(DissectorSlot& slot, core::Direction direction, std::uint64_t length);
  void finish(DissectorSlot& slot);
  void end_parser(DissectorSlot& slot);
  void give_up(DissectorSlot& slot);
  void release_probe_buffer(DissectorSlot& slot);

  proto::Dissector* acquire(events::Protocol protocol);
  void release(proto::Dissector* dissector);

  void emit(const events::Event& event) override;
  void on_alert(const rules::Alert& alert) override;

  AppLayerOptions options_;
  alert::EveWriter& eve_;
  alert::RecordSink& records_;
  DissectorPool<proto::ftp::FtpParser, proto::ftp::FtpOptions> ftp_;
  DissectorPool<proto::pop3::Pop3Parser, proto::pop3::Pop3Options> pop3_;
  DissectorPool<proto::smb::SmbParser, proto::smb::SmbOptions> smb_;
  DissectorPool<proto::tls::TlsParser, proto::tls::TlsOptions> tls_;
  DissectorPool<proto::starttls::SmtpParser, proto::starttls::SmtpOptions> smtp_;
  DissectorPool<proto::starttls::ImapParser, proto::starttls::ImapOptions> imap_;
  // Probe buffers: fixed-size slices of one allocation, chunks logged as [direction][length][bytes].
  // Left uninitialised and handed out last-freed-first (fresh ones only when none is free), so only
  // the buffers of the most flows recognised at once are ever touched.
  std::unique_ptr<std::uint8_t[]> probe_storage_;
  std::vector<std::uint32_t> probe_free_;
  std::uint32_t probe_fresh_ = 0;  // buffers never handed out yet: [probe_fresh_, probe_buffers)
  const rules::RuleSetHolder* rules_;
  rules::RuleEvaluator evaluator_;
  void fill_header();

  alert::FlowHeader header_;  // the current flow's EVE header, filled once per event
  bool header_ready_ = false;
  const flow::Flow* current_flow_ = nullptr;  // whose bytes are being parsed (emit() needs it)
  DissectorSlot* current_slot_ = nullptr;
  events::Protocol current_protocol_ = events::Protocol::none;
  core::Timestamp now_;
  AppLayerStats stats_;
};

}  // namespace spanwatch::engine
