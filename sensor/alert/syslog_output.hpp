#pragma once
// The syslog output: records as RFC 5424 messages (syslog_format.hpp) to the local syslog socket
// (/dev/log, a unix datagram socket), to a UDP collector, or to a TCP collector with octet-counting
// framing (RFC 6587 §3.4.1: "LEN SP MSG"). Runs on the output thread's io_context only.
//
// Delivery: a message that cannot be sent now (a refused datagram, a TCP peer that is down or still
// being written to) waits in a bounded backlog and is sent in order when the destination is back.
// A full backlog refuses the NEWEST record (counted as overflow): what is queued stays in order and
// the SOC sees the start of an incident rather than its end. A TCP peer that closes is detected by
// a read that is always pending (syslog receivers never send), then reconnected with exponential
// backoff; messages not wholly written to the lost connection are sent again on the next one.
// Which messages a peer had read cannot be known without an application acknowledgement (RELP).
// A peer that closes cleanly (FIN) had read everything; one that closes with data unread resets the
// connection (rsyslog does so when it stops mid-stream): then the messages written in the last
// `reset_replay` are sent again, so delivery across a reset is at least once (duplicates possible).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "alert/output.hpp"
#include "alert/syslog_format.hpp"

namespace spanwatch::alert {

enum class SyslogTransport : std::uint8_t { unix_datagram, udp, tcp };
std::optional<SyslogTransport> parse_syslog_transport(std::string_view name);  // "unix", "udp", "tcp"

struct SyslogOptions {
  bool enabled = false;
  SyslogTransport transport = SyslogTransport::unix_datagram;
  // unix: a socket path (empty: /dev/log). udp/tcp: "host:port", "[v6]:port", "host" or a bare
  // IPv6 address; the port defaults to 514 for udp and 601 for tcp (RFC 6587's syslog-conn).
  std::string address;
  SyslogFacility facility = SyslogFacility::local5;
  std::string hostname;                 // empty: gethostname()
  std::string app_name = "spanwatch";
  std::string msgid = "ALERT";          // MSGID of alerts; other records use their event_type
  SyslogMessageFormat message = SyslogMessageFormat::human;
  // Event types sent ("alert", "smb", "anomaly", ...); "*" sends every record.
  std::vector<std::string> event_types{"alert"};
  std::size_t backlog_records = 10000;
  std::size_t backlog_bytes = 8 << 20;
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{30000};
  std::chrono::milliseconds connect_timeout{5000};
  // tcp: when the peer resets the connection (it closed with our data unread), the messages written
  // this long before are sent again. 0: never (at most once instead of at least once).
  std::chrono::milliseconds reset_replay{1000};
  // Longest message (without TCP framing); longer ones are cut at a UTF-8 boundary and counted.
  // 0: the transport's default: 8192 for unix and tcp (rsyslog's default maximum), 2048 for udp
  // (the size RFC 5426 says receivers SHOULD accept).
  std::size_t max_message_bytes = 0;
};

class SyslogOutput final : public Output {
 public:
  // Throws std::runtime_error for an address that does not parse or a host name that does not
  // resolve (resolved once, here; numeric addresses are taken as they are).
  SyslogOutput(boost::asio::io_context& io, SyslogOptions options);
  ~SyslogOutput() override;
  SyslogOutput(const SyslogOutput&) = delete;
  SyslogOutput& operator=(const SyslogOutput&) = delete;

  std::string_view name() const override;
  void write(const Record& record) override;
  void flush() override;
  void reopen() override;
  void begin_stop() override;
  bool drained() const override;
  OutputCounters counters() const override;
  std::string delivery_report() const override;  // + truncated, replayed

  std::uint64_t truncated_messages() const;  // cut to max_message_bytes (still sent)
  std::uint64_t replayed_messages() const;   // sent again after a reset (not counted twice in written)
  bool connected() const;                    // tcp: a connection is up; datagram: the last send worked

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with the pending asynchronous operations
};

}  // namespace spanwatch::alert
