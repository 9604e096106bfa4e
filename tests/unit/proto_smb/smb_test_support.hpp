#pragma once
// A recording sink that copies SMB events into owned strings (the views die after emit), and
// feeders that deliver a conversation whole, byte by byte, or split at one offset, honouring the
// parser's skip verdicts the way reassembly does.
#include <cstdio>
#include <string>
#include <vector>

#include "proto/smb/parser.hpp"
#include "support/packet_builder.hpp"

namespace spanwatch::proto::smb::test {

using spanwatch::testing::Frame;

struct Message {
  core::Direction direction;
  Frame bytes;
};

struct Recorded {
  std::string kind;  // event name
  std::string user, domain, workstation, share, status_name, dialect, mechanism, realm, principal, password;
  std::uint32_t status = 0;
  bool answered = true;
  std::string ntlmssp_version;  // "major.minor build rev", empty when absent
  bool auth_failure = false, anonymous = false, password_seen = false, guest = false, binding = false;
  int version = 0;
  std::string ntlm_version;
  std::uint64_t session_id = 0;
  std::vector<std::string> client_dialects;
  bool signing_required = false;

  std::string describe() const {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, " status=%08x sid=%llx", status, static_cast<unsigned long long>(session_id));
    return kind + " " + domain + "\\" + user + "@" + workstation + " " + mechanism + " " + status_name + buffer + " " +
           share + " " + dialect + (anonymous ? " anon" : "") + (auth_failure ? " fail" : "") +
           (answered ? "" : " unanswered") + (ntlmssp_version.empty() ? "" : " v" + ntlmssp_version);
  }
};

class RecordingSink final : public events::EventSink {
 public:
  void emit(const events::Event& event) override {
    Recorded r;
    r.kind = std::string(events::name_of(event));
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, events::AppAnomaly>) {
            r.kind = std::string(e.event);
          } else if constexpr (std::is_same_v<T, events::smb::SessionSetup>) {
            r.version = static_cast<int>(e.version);
            r.user = e.user;
            r.domain = e.domain;
            r.workstation = e.workstation;
            r.mechanism = events::smb::name_of(e.mechanism);
            r.ntlm_version = events::smb::name_of(e.ntlm_version);
            r.status = e.status.code;
            r.status_name = e.status.name;
            r.auth_failure = e.auth_failure;
            r.answered = e.answered;
            if (e.ntlmssp_version.present) {
              const auto& v = e.ntlmssp_version;
              r.ntlmssp_version = std::to_string(v.major) + "." + std::to_string(v.minor) + " build " +
                                  std::to_string(v.build) + " rev " + std::to_string(v.ntlm_revision);
            }
            r.anonymous = e.anonymous;
            r.password_seen = e.password_seen;
            r.password = e.password;
            r.guest = e.guest;
            r.binding = e.binding;
            r.session_id = e.session_id;
            r.dialect = e.dialect_name;
            r.realm = e.kerberos_realm;
            r.principal = e.kerberos_principal;
          } else if constexpr (std::is_same_v<T, events::smb::Negotiate>) {
            r.version = static_cast<int>(e.version);
            r.status = e.status.code;
            r.status_name = e.status.name;
            r.dialect = e.dialect_name;
            r.signing_required = e.signing_required;
            for (const auto name : e.client_dialect_names) r.client_dialects.emplace_back(name);
          } else if constexpr (std::is_same_v<T, events::smb::TreeConnect>) {
            r.version = static_cast<int>(e.version);
            r.share = e.share;
            r.status = e.status.code;
            r.status_name = e.status.name;
            r.session_id = e.session_id;
          }
        },
        event);
    events.push_back(std::move(r));
  }
  std::vector<Recorded> events;

  std::vector<Recorded> of_kind(std::string_view kind) const {
    std::vector<Recorded> out;
    for (const auto& e : events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> descriptions() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.describe());
    return out;
  }
};

// Feeds `conversation`, every message cut into pieces of at most `piece` bytes, except that the
// message holding global offset `split_at` is cut there (when split_at is set).
class Feeder {
 public:
  explicit Feeder(SmbParser& parser) : parser_(parser) {}

  void feed_bytes(core::Direction direction, core::Bytes bytes, RecordingSink& sink) {
    FeedContext context{sink, core::Timestamp{1700000000, 0}};
    std::uint64_t& skip = skip_[core::index_of(direction)];
    const std::size_t skipped = static_cast<std::size_t>(std::min<std::uint64_t>(skip, bytes.size()));
    skip -= skipped;
    bytes = bytes.subspan(skipped);
    if (bytes.empty()) return;
    std::size_t consumed = 0;
    const Verdict verdict = parser_.feed(direction, bytes, context, consumed);
    CHECK(consumed == bytes.size());
    if (verdict.want == Verdict::Want::skip) skip += verdict.skip_bytes;
  }

  void feed(const std::vector<Message>& conversation, RecordingSink& sink, std::size_t piece = SIZE_MAX,
            std::size_t split_at = SIZE_MAX) {
    std::size_t global = 0;
    for (const auto& m : conversation) {
      const core::Bytes bytes(m.bytes);
      if (split_at >= global && split_at < global + bytes.size()) {
        const std::size_t cut = split_at - global;
        feed_bytes(m.direction, bytes.first(cut), sink);
        feed_bytes(m.direction, bytes.subspan(cut), sink);
      } else {
        for (std::size_t at = 0; at < bytes.size(); at += piece) {
          feed_bytes(m.direction, bytes.subspan(at, std::min(piece, bytes.size() - at)), sink);
        }
      }
      global += bytes.size();
    }
  }

 private:
  SmbParser& parser_;
  std::uint64_t skip_[2] = {0, 0};
};

inline std::size_t total_size(const std::vector<Message>& conversation) {
  std::size_t n = 0;
  for (const auto& m : conversation) n += m.bytes.size();
  return n;
}

// Events of the conversation fed whole, byte by byte, and split at every offset: all must agree.
inline std::vector<Recorded> events_every_way(const std::vector<Message>& conversation, const SmbOptions& options = {}) {
  SmbParser whole_parser(options);
  RecordingSink whole;
  Feeder(whole_parser).feed(conversation, whole);
  {
    SmbParser parser(options);
    RecordingSink sink;
    Feeder(parser).feed(conversation, sink, 1);
    CHECK(sink.descriptions() == whole.descriptions());
  }
  const std::size_t total = total_size(conversation);
  SmbParser parser(options);
  for (std::size_t split = 0; split < total; ++split) {
    parser.reset();
    RecordingSink sink;
    Feeder(parser).feed(conversation, sink, SIZE_MAX, split);
    if (sink.descriptions() != whole.descriptions()) {
      FAIL_CHECK("events differ when split at offset " << split);
      break;
    }
  }
  return whole.events;
}

}  // namespace spanwatch::proto::smb::test
