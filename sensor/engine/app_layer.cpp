#include "engine/app_layer.hpp"

#include <algorithm>
#include <cstring>

#include "alert/alert_record.hpp"
#include "alert/app_record.hpp"
#include "engine/flow_header.hpp"
#include "proto/recognizer.hpp"
#include "proto/tls/certificate_cache.hpp"
#include "proto/tls/probe.hpp"
#include "proto/tls/tls_workspace.hpp"

namespace spanwatch::engine {
namespace {

using events::Protocol;
using flow::tcp::StreamVerdict;

std::size_t index_of(Protocol p) { return static_cast<std::size_t>(p); }

// A probe buffer holds each direction's first bytes contiguously (the probes need them that way)
// and a log of the order chunks arrived in, so the chosen parser sees them as the network did.
constexpr std::size_t log_entry_bytes = 3;  // direction, 16-bit length
constexpr std::size_t max_log_entries = 32;

struct ProbeLayout {
  std::size_t half;  // bytes per direction
  std::size_t log_offset;
};

ProbeLayout layout_of(std::size_t buffer_bytes) {
  const std::size_t log_bytes = log_entry_bytes * max_log_entries;
  const std::size_t half = buffer_bytes > log_bytes ? (buffer_bytes - log_bytes) / 2 : 0;
  return {half, 2 * half};
}

// One certificate cache and one workspace (scratch, split-message and certificate pools) per worker,
// shared by its TLS parsers.
proto::tls::TlsOptions tls_worker_options(proto::tls::TlsOptions options, std::size_t entries) {
  if (options.parse_certificates && entries != 0)
    options.certificate_cache = std::make_shared<proto::tls::CertificateCache>(entries, options.max_subject_alt_names);
  options.workspace = std::make_shared<proto::tls::TlsWorkspace>(options);
  return options;
}

// One pool of split-message buffers and one of pending-request entries per worker, shared by its SMB
// parsers; lab mode's cleartext.
proto::smb::SmbOptions smb_worker_options(proto::smb::SmbOptions options, const proto::CredentialOptions& credentials) {
  options.log_cleartext_passwords = credentials.log_cleartext;
  options.message_buffers = proto::smb::make_message_buffers(options, 0);
  options.pending_pools = std::make_shared<proto::smb::PendingPools>();
  return options;
}

// One workspace (split-line buffers, pending-command pool, reply/listing text, scratch) per worker,
// shared by its FTP or POP3 parsers; the credential handling.
template <class Options, class Workspace = typename decltype(Options::workspace)::element_type>
Options line_worker_options(Options options, const proto::CredentialOptions& credentials) {
  options.credentials = credentials;
  options.workspace = std::make_shared<Workspace>(options);
  return options;
}

}  // namespace

// --- DissectorSlot ---------------------------------------------------------------------------

void DissectorSlot::reset(AppLayer& app, const flow::Flow& flow) {
  app_ = &app;
  flow_ = &flow;
  dissector_ = nullptr;
  probe_buffer_ = 0;
  probe_used_ = 0;
  probe_bytes_[0] = probe_bytes_[1] = 0;
  hopeless_[0] = hopeless_[1] = false;
  port_protocol_fits_[0] = port_protocol_fits_[1] = false;
  skip_[0] = skip_[1] = 0;
  watched_bytes_ = 0;
  anomaly_records_ = 0;
  state_ = State::recognising;
  community_id_length_ = 0;
}

std::string_view DissectorSlot::community_id() {
  if (community_id_length_ == 0)
    community_id_length_ = static_cast<std::uint8_t>(flow::community_id(*flow_, community_id_).size());
  return {community_id_, community_id_length_};
}

StreamVerdict DissectorSlot::feed(core::Direction direction, core::Bytes bytes) {
  return app_->feed(*this, direction, bytes);
}
StreamVerdict DissectorSlot::gap(core::Direction direction, std::uint64_t length) {
  return app_->gap(*this, direction, length);
}
void DissectorSlot::finish() { app_->finish(*this); }

// --- AppLayer --------------------------------------------------------------------------------

AppLayer::AppLayer(const AppLayerOptions& options, alert::EveWriter& eve, alert::RecordSink& records,
                   const rules::RuleSetHolder* rules)
    : options_(options),
      eve_(eve),
      records_(records),
      ftp_(line_worker_options(options.ftp, options.credentials), options.max_ftp),
      pop3_(line_worker_options(options.pop3, options.credentials), options.max_pop3),
      smb_(smb_worker_options(options.smb, options.credentials), options.max_smb),
      tls_(tls_worker_options(options.tls, options.certificate_cache_entries), options.max_tls),
      smtp_({}, options.max_starttls),
      imap_({}, options.max_starttls),
      probe_storage_(std::make_unique_for_overwrite<std::uint8_t[]>(std::size_t{options.probe_buffers} *
                                                                     options.probe_buffer_bytes)),
      rules_(rules),
      evaluator_(options.rules) {
  probe_free_.reserve(options.probe_buffers);
}

proto::Dissector* AppLayer::acquire(Protocol protocol) {
  switch (protocol) {
    case Protocol::ftp: return ftp_.acquire();
    case Protocol::pop3: return pop3_.acquire();
    case Protocol::smb: return smb_.acquire();
    case Protocol::tls: return tls_.acquire();
    case Protocol::smtp: return smtp_.acquire();
    case Protocol::imap: return imap_.acquire();
    default: return nullptr;
  }
}

void AppLayer::release(proto::Dissector* d) {
  switch (d->protocol()) {
    case Protocol::ftp: ftp_.release(static_cast<proto::ftp::FtpParser*>(d)); break;
    case Protocol::pop3: pop3_.release(static_cast<proto::pop3::Pop3Parser*>(d)); break;
    case Protocol::smb: smb_.release(static_cast<proto::smb::SmbParser*>(d)); break;
    case Protocol::tls: tls_.release(static_cast<proto::tls::TlsParser*>(d)); break;
    case Protocol::smtp: smtp_.release(static_cast<proto::starttls::SmtpParser*>(d)); break;
    case Protocol::imap: imap_.release(static_cast<proto::starttls::ImapParser*>(d)); break;
    default: break;
  }
}

StreamVerdict AppLayer::feed(DissectorSlot& slot, core::Direction direction, core::Bytes bytes) {
  stats_.bytes[core::index_of(direction)] += bytes.size();
  current_flow_ = slot.flow_;
  current_slot_ = &slot;
  switch (slot.state_) {
    case DissectorSlot::State::recognising: return recognise(slot, direction, bytes);
    case DissectorSlot::State::watching: return watch(slot, direction, bytes);
    case DissectorSlot::State::parsing: return run(slot, direction, bytes);
    case DissectorSlot::State::done: break;
  }
  return StreamVerdict::stop();
}

StreamVerdict AppLayer::recognise(DissectorSlot& slot, core::Direction direction, core::Bytes bytes) {
  // Without parsers the stream is still reassembled (to stream.depth), so stream-level counters
  // and anomalies cover every flow.
  if (!options_.enabled) return StreamVerdict::more();
  if (slot.probe_buffer_ == 0) {
    if (!probe_free_.empty()) {
      slot.probe_buffer_ = probe_free_.back() + 1;
      probe_free_.pop_back();
    } else if (probe_fresh_ < options_.probe_buffers) {
      slot.probe_buffer_ = ++probe_fresh_;
    } else {
      ++stats_.probe_buffers_exhausted;
      give_up(slot);
      return StreamVerdict::stop();
    }
  }
  // A client chunk that opens a TLS ClientHello after a plain prologue (IRC or LDAP STARTTLS, HTTP
  // CONNECT, SOCKS): the prologue is no protocol we parse, TLS starts here.
  if (direction == core::Direction::to_server && slot.probe_bytes_[0] != 0 &&
      proto::tls::probe_tls(direction, bytes) == proto::ProbeResult::yes) {
    release_probe_buffer(slot);
    ++stats_.late_tls;
    if (start(slot, Protocol::tls).want == StreamVerdict::Want::stop) return StreamVerdict::stop();
    return run(slot, direction, bytes);
  }
  const ProbeLayout layout = layout_of(options_.probe_buffer_bytes);
  std::uint8_t* buffer = probe_storage_.get() + std::size_t{slot.probe_buffer_ - 1} * options_.probe_buffer_bytes;
  const unsigned d = core::index_of(direction);
  std::uint8_t* half = buffer + d * layout.half;
  const std::size_t room = layout.half - slot.probe_bytes_[d];
  const std::size_t kept = std::min(room, bytes.size());
  std::memcpy(half + slot.probe_bytes_[d], bytes.data(), kept);
  const core::Bytes seen{half, slot.probe_bytes_[d] + kept};

  proto::Recognition r = proto::recognize(direction, seen, slot.flow_->server_port());
  slot.port_protocol_fits_[d] = r.port_protocol_fits;
  if (r.protocol == Protocol::none && slot.port_protocol_fits_[0] && slot.port_protocol_fits_[1] &&
      slot.probe_bytes_[1 - d] != 0)
    r.protocol = proto::protocol_of_port(slot.flow_->server_port());
  if (r.protocol != Protocol::none) {
    // Replay what came before this chunk, in arrival order, then this chunk whole.
    if (StreamVerdict v = start(slot, r.protocol); v.want == StreamVerdict::Want::stop) return v;
    const std::uint8_t* log = buffer + layout.log_offset;
    std::size_t offsets[2] = {0, 0};
    for (std::size_t i = 0; i < slot.probe_used_ && slot.state_ == DissectorSlot::State::parsing; ++i) {
      const unsigned dir = log[i * log_entry_bytes];
      const std::size_t length = std::size_t{log[i * log_entry_bytes + 1]} << 8 | log[i * log_entry_bytes + 2];
      const core::Bytes chunk{buffer + dir * layout.half + offsets[dir], length};
      offsets[dir] += length;
      const StreamVerdict v = run(slot, static_cast<core::Direction>(dir), chunk);
      if (v.want == StreamVerdict::Want::skip) slot.skip_[dir] += v.skip_bytes;
    }
    release_probe_buffer(slot);
    if (slot.state_ != DissectorSlot::State::parsing) return StreamVerdict::stop();
    return run(slot, direction, bytes);
  }
  if (r.hopeless || kept < bytes.size() || slot.probe_used_ == max_log_entries) {
    slot.hopeless_[d] = true;
    const unsigned other = 1 - d;
    // Both sides have spoken and neither looks like a protocol we parse, or the buffer is full.
    if ((slot.hopeless_[other] || kept < bytes.size() || slot.probe_used_ == max_log_entries))
      return unrecognised(slot);
  }
  std::uint8_t* entry = buffer + layout.log_offset + slot.probe_used_ * log_entry_bytes;
  entry[0] = static_cast<std::uint8_t>(d);
  entry[1] = static_cast<std::uint8_t>(kept >> 8);
  entry[2] = static_cast<std::uint8_t>(kept);
  ++slot.probe_used_;
  slot.probe_bytes_[d] = static_cast<std::uint16_t>(slot.probe_bytes_[d] + kept);
  return StreamVerdict::more();
}

StreamVerdict AppLayer::unrecognised(DissectorSlot& slot) {
  release_probe_buffer(slot);
  if (options_.late_tls_window == 0) {
    ++stats_.unrecognised;
    slot.state_ = DissectorSlot::State::done;
    return StreamVerdict::stop();
  }
  slot.state_ = DissectorSlot::State::watching;
  return StreamVerdict::more();
}

StreamVerdict AppLayer::watch(DissectorSlot& slot, core::Direction direction, core::Bytes bytes) {
  if (direction == core::Direction::to_server &&
      proto::tls::probe_tls(direction, bytes) == proto::ProbeResult::yes) {
    ++stats_.late_tls;
    if (start(slot, Protocol::tls).want == StreamVerdict::Want::stop) return StreamVerdict::stop();
    return run(slot, direction, bytes);
  }
  slot.watched_bytes_ += static_cast<std::uint32_t>(std::min<std::size_t>(bytes.size(), options_.late_tls_window));
  if (slot.watched_bytes_ < options_.late_tls_window) return StreamVerdict::more();
  ++stats_.unrecognised;
  slot.state_ = DissectorSlot::State::done;
  return StreamVerdict::stop();
}

StreamVerdict AppLayer::start(DissectorSlot& slot, Protocol protocol) {
  proto::Dissector* dissector = acquire(protocol);
  if (dissector == nullptr) {
    ++stats_.pool_exhausted[index_of(protocol)];
    give_up(slot);
    return StreamVerdict::stop();
  }
  ++stats_.flows[index_of(protocol)];
  slot.dissector_ = dissector;
  slot.state_ = DissectorSlot::State::parsing;
  return StreamVerdict::more();
}

StreamVerdict AppLayer::run(DissectorSlot& slot, core::Direction direction, core::Bytes bytes) {
  const unsigned d = core::index_of(direction);
  proto::FeedContext context{*this, now_};
  while (!bytes.empty()) {
    if (slot.skip_[d] != 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(slot.skip_[d], bytes.size()));
      slot.skip_[d] -= n;
      bytes = bytes.subspan(n);
      continue;
    }
    std::size_t consumed = bytes.size();
    current_protocol_ = slot.dissector_->protocol();
    const proto::Verdict v = slot.dissector_->feed(direction, bytes, context, consumed);
    consumed = std::min(consumed, bytes.size());
    switch (v.want) {
      case proto::Verdict::Want::more:
        return StreamVerdict::more();
      case proto::Verdict::Want::skip: {
        const core::Bytes rest = bytes.subspan(consumed);
        if (rest.size() >= v.skip_bytes) {
          bytes = rest.subspan(static_cast<std::size_t>(v.skip_bytes));
          continue;
        }
        return StreamVerdict::skip(v.skip_bytes - rest.size());
      }
      case proto::Verdict::Want::stop:
        end_parser(slot);
        return StreamVerdict::stop();
      case proto::Verdict::Want::switch_protocol: {
        end_parser(slot);
        ++stats_.protocol_switches;
        if (start(slot, v.next).want == StreamVerdict::Want::stop) return StreamVerdict::stop();
        bytes = bytes.subspan(consumed);
        continue;
      }
    }
  }
  return StreamVerdict::more();
}

StreamVerdict AppLayer::gap(DissectorSlot& slot, core::Direction direction, std::uint64_t length) {
  current_flow_ = slot.flow_;
  current_slot_ = &slot;
  const unsigned d = core::index_of(direction);
  if (slot.state_ == DissectorSlot::State::watching) return StreamVerdict::more();
  if (slot.state_ == DissectorSlot::State::recognising) {
    // Bytes are missing from what the probes would look at: only later, clean bytes can tell. A
    // midstream pickup starts with gap(0) and empty probes; nothing is lost then.
    if (length != 0 && slot.probe_bytes_[d] != 0) slot.hopeless_[d] = true;
    return StreamVerdict::more();
  }
  if (slot.state_ != DissectorSlot::State::parsing) return StreamVerdict::stop();
  // gap(0) is a direction picked up midstream after the parser was chosen (the other side spoke
  // first): nothing of it was lost, and its first bytes start at a segment boundary.
  if (length == 0) return StreamVerdict::more();
  ++stats_.gaps[index_of(slot.dissector_->protocol())];
  if (slot.skip_[d] != 0) {
    const std::uint64_t n = std::min(slot.skip_[d], length);
    slot.skip_[d] -= n;
    length -= n;
    if (length == 0) return StreamVerdict::more();
  }
  proto::FeedContext context{*this, now_};
  current_protocol_ = slot.dissector_->protocol();
  const proto::Verdict v = slot.dissector_->gap(direction, length, context);
  switch (v.want) {
    case proto::Verdict::Want::more: return StreamVerdict::more();
    case proto::Verdict::Want::skip: return StreamVerdict::skip(v.skip_bytes);
    case proto::Verdict::Want::stop:
    case proto::Verdict::Want::switch_protocol:
      // A parser that cannot resynchronise (or whose switch lost its first bytes) ends here.
      end_parser(slot);
      return StreamVerdict::stop();
  }
  return StreamVerdict::more();
}

void AppLayer::finish(DissectorSlot& slot) {
  current_flow_ = slot.flow_;
  current_slot_ = &slot;
  if (slot.state_ == DissectorSlot::State::watching) ++stats_.unrecognised;
  if (slot.state_ == DissectorSlot::State::parsing) {
    proto::FeedContext context{*this, now_};
    current_protocol_ = slot.dissector_->protocol();
    slot.dissector_->finish(context);
    end_parser(slot);
  }
  release_probe_buffer(slot);
  slot.state_ = DissectorSlot::State::done;
}

void AppLayer::end_parser(DissectorSlot& slot) {
  if (slot.dissector_ != nullptr) release(slot.dissector_);
  slot.dissector_ = nullptr;
  slot.state_ = DissectorSlot::State::done;
}

void AppLayer::give_up(DissectorSlot& slot) {
  release_probe_buffer(slot);
  slot.state_ = DissectorSlot::State::done;
}

void AppLayer::release_probe_buffer(DissectorSlot& slot) {
  if (slot.probe_buffer_ != 0) probe_free_.push_back(slot.probe_buffer_ - 1);
  slot.probe_buffer_ = 0;
}

void AppLayer::emit(const events::Event& event) {
  const bool anomaly = std::holds_alternative<events::AppAnomaly>(event);
  if (anomaly) ++stats_.parser_errors[index_of(current_protocol_)];
  else ++stats_.tx[index_of(current_protocol_)];
  if (current_flow_ == nullptr) return;
  // A pathological session (a million commands past a parser's cap) must not turn every request
  // into a record: past the per-flow budget anomalies are only counted (and still matched by rules).
  bool write_record = options_.eve_records;
  if (anomaly && write_record && current_slot_ != nullptr) {
    write_record = current_slot_->anomaly_records_ < options_.anomaly_records_per_flow;
    if (write_record) ++current_slot_->anomaly_records_;
    else ++stats_.anomaly_records_suppressed;
  }
  if (write_record) {
    fill_header();
    if (alert::write_app_record(eve_, records_, now_, header_, event)) ++stats_.records;
  }
  if (rules_ == nullptr) return;
  const std::shared_ptr<const rules::RuleSet> rule_set = rules_->current();
  if (!rule_set) return;
  rules::FlowContext context;
  context.client_ip = current_flow_->client_address();
  context.server_ip = current_flow_->server_address();
  context.client_port = current_flow_->client_port();
  context.server_port = current_flow_->server_port();
  context.vlan = current_flow_->key.vlan[0];
  context.flow_id = current_flow_->id;
  context.ts = now_;
  header_ready_ = options_.eve_records;
  evaluator_.evaluate(*rule_set, event, context, *this);
}

void AppLayer::on_alert(const rules::Alert& alert) {
  ++stats_.alerts;
  for (std::size_t i = 0; i < AppLayerStats::tracked_rules; ++i) {
    if (stats_.alert_rule[i] == alert.rule->id || stats_.alert_rule[i] == 0) {
      stats_.alert_rule[i] = alert.rule->id;
      ++stats_.alert_count[i];
      break;
    }
  }
  if (!header_ready_) {
    fill_header();
    header_ready_ = true;
  }
  alert::write_alert(eve_, records_, header_, alert);
}

void AppLayer::fill_header() { fill_flow_header(*current_flow_, current_slot_->community_id(), header_); }

}  // namespace spanwatch::engine
