#include "daemon/sensor_config.hpp"

namespace spanwatch::daemon {

void bind_options(config::OptionTable& t, SensorConfig& c) {
  t.describe_section("sensor", "Who this sensor is.");
  t.add_string("sensor.name", &c.sensor_name, "Name written as `host` in every EVE record (empty: omitted)");
  t.add_integer("workers", &c.workers,
                "Packet worker threads, each with its own flow table, parsers, rule state and memory (every size "
                "below is per worker); flows are split by a symmetric hash of the IP address pair",
                std::uint16_t{1}, std::uint16_t{64});

  t.describe_section("capture", "Live capture through libpcap (TPACKET_V3 ring on Linux).");
  t.add_string_list("capture.interfaces", &c.interfaces, "Interfaces to capture on when no -r/-i is given");
  t.add_integer("capture.snaplen", &c.live.snaplen, "Bytes kept per packet", 64, 262144);
  t.add_integer("capture.buffer_size_mib", &c.live.buffer_size_mib, "Kernel ring size per interface, MiB", 1, 4096);
  t.add_bool("capture.promiscuous", &c.live.promiscuous, "Put interfaces in promiscuous mode");
  t.add_integer("capture.timeout_ms", &c.live.timeout_ms, "Longest wait for a ring block to fill, ms", 1, 10000);
  t.add_string("capture.bpf", &c.live.bpf,
               "BPF filter for live and offline capture (VLAN traffic needs '... or (vlan and ...)')");
  t.add_enum("capture.on_interface_down", &c.live.on_interface_down,
             "When a live interface goes down or loses its carrier: wait (log it, count it in capture.errors, "
             "resume on the same handle when it is back) or exit (end with an error). A deleted interface "
             "always ends the run",
             {{"wait", capture::InterfaceDownPolicy::wait}, {"exit", capture::InterfaceDownPolicy::exit}});
  t.add_enum("capture.fanout", &c.fanout,
             "With several workers, how the kernel spreads packets over their handles (PACKET_FANOUT): ip_pair "
             "(a BPF hash of the address pair, as offline; by_pair rule state stays exact) or hash (the kernel's "
             "symmetric 5-tuple hash, with IP defragmentation)",
             {{"ip_pair", capture::FanoutMode::ip_pair}, {"hash", capture::FanoutMode::hash}});

  auto& d = c.engine.decode;
  t.describe_section("decode", "Link, IP and transport decoding.");
  t.add_integer("decode.max_vlan_layers", &d.max_vlan_layers, "More 802.1Q/QinQ tags than this is an anomaly",
                std::uint8_t{1}, std::uint8_t{8});
  t.describe_section("decode.defrag", "IPv4 and IPv6 reassembly; storage is allocated at start-up.");
  t.add_integer("decode.defrag.max_trackers", &d.defrag.max_trackers, "Datagrams reassembled at once", 1u, 1u << 24);
  t.add_integer("decode.defrag.max_fragments", &d.defrag.max_fragments_per_datagram, "Fragments kept per datagram",
                1u, 8192u);
  t.add_size("decode.defrag.memcap", &d.defrag.memcap_bytes, "Fragment storage", 64 * 1024);
  t.add_duration("decode.defrag.timeout", &d.defrag.timeout_seconds, "Incomplete datagrams are dropped after", 1u);

  auto& f = c.engine.flow;
  t.describe_section("flow", "The flow table; all of it is allocated at start-up.");
  t.add_size("flow.memcap", &f.memcap_bytes, "Memory for flow records and their index", 1u << 16);
  t.add_integer("flow.max_flows", &f.max_flows, "Number of flow records (0: as many as flow.memcap allows)");
  t.add_bool("flow.evict_when_full", &f.evict_when_full,
             "A full table ends the flow closest to expiry (true) or refuses the new flow (false)");
  t.add_integer("flow.hash_seed", &f.hash_seed, "Bucket hash seed (0: random per run)");
  t.describe_section("flow.timeouts", "Seconds of capture time without a packet before a flow ends.");
  t.add_duration("flow.timeouts.tcp_new", &f.timeouts.tcp_new, "TCP before the handshake completes", 1u);
  t.add_duration("flow.timeouts.tcp_established", &f.timeouts.tcp_established, "Established TCP", 1u);
  t.add_duration("flow.timeouts.tcp_closed", &f.timeouts.tcp_closed, "TCP after FIN or RST", 1u);
  t.add_duration("flow.timeouts.udp", &f.timeouts.udp, "UDP", 1u);
  t.add_duration("flow.timeouts.other", &f.timeouts.other, "ICMP and other IP protocols", 1u);
  t.describe_section("flow.emergency_timeouts",
                     "While the flow table is full (emergency) these replace flow.timeouts, for expiry and for the "
                     "order of eviction; never longer than the normal value.");
  t.add_duration("flow.emergency_timeouts.tcp_new", &f.emergency_timeouts.tcp_new, "TCP before the handshake completes",
                 1u);
  t.add_duration("flow.emergency_timeouts.tcp_established", &f.emergency_timeouts.tcp_established, "Established TCP",
                 1u);
  t.add_duration("flow.emergency_timeouts.tcp_closed", &f.emergency_timeouts.tcp_closed, "TCP after FIN or RST", 1u);
  t.add_duration("flow.emergency_timeouts.udp", &f.emergency_timeouts.udp, "UDP", 1u);
  t.add_duration("flow.emergency_timeouts.other", &f.emergency_timeouts.other, "ICMP and other IP protocols", 1u);
  t.add_integer("flow.emergency_recovery", &f.emergency_recovery_percent,
                "Emergency ends when this percentage of the flow records is free again", 1u, 100u);

  auto& s = c.engine.stream;
  t.describe_section("stream", "TCP reassembly.");
  t.add_size("stream.memcap", &s.memcap_bytes, "Out-of-order segment storage, allocated at start-up", 1u << 16);
  t.add_size("stream.max_buffered_per_direction", &s.max_buffered_per_direction,
             "Out-of-order bytes one direction of one flow may hold", 4096);
  t.add_size("stream.depth", &s.depth, "Bytes per direction handed to protocol parsers (0: unlimited)");
  t.add_size("stream.segment_chunk_size", &s.segment_chunk_bytes, "Size of one storage chunk", 64, 65535);
  t.add_enum("stream.checksum_validation", &s.checksum_validation,
             "Keep TCP segments with a bad checksum out of the stream, as a receiver drops them (their bytes fill "
             "a hole only if no good copy comes): yes, no, or auto (the first 1000 checked decide; over 10% bad "
             "means checksum offload on the capturing host, and checks stop)",
             {{"auto", flow::tcp::ChecksumValidation::automatic},
              {"yes", flow::tcp::ChecksumValidation::yes},
              {"no", flow::tcp::ChecksumValidation::no}});

  auto& a = c.engine.app;
  t.describe_section("protocols", "Application-layer parsers; a flow's protocol is recognised by content.");
  t.add_bool("protocols.enabled", &a.enabled, "Recognise and parse FTP, POP3, SMB, TLS (and SMTP/IMAP STARTTLS); off: reassemble every flow to stream.depth, parse nothing");
  t.add_integer("protocols.probe_buffers", &a.probe_buffers,
                "Flows being recognised at once (each holds protocols.probe_buffer_size bytes)", 1u, 1u << 24);
  t.add_size("protocols.probe_buffer_size", &a.probe_buffer_bytes, "First bytes kept per flow for recognition",
             256, 16384);
  t.add_size("protocols.late_tls_window", &a.late_tls_window,
             "After an unrecognised start, bytes watched for a ClientHello (TLS behind CONNECT, SOCKS, RDP, "
             "STARTTLS); 0: bypass at once");
  t.add_bool("protocols.eve_records", &a.eve_records, "Write ftp, pop3, smb and tls EVE records");
  t.add_integer("protocols.anomaly_records_per_flow", &a.anomaly_records_per_flow,
                "Protocol anomaly records written per flow; later ones are counted (app_layer.error) and matched "
                "by rules, not written",
                0u, 1u << 20);
  t.describe_section("protocols.credentials", "Passwords and tokens seen in clear.");
  t.add_bool("protocols.credentials.log_cleartext", &a.credentials.log_cleartext,
             "Lab mode: write secrets in clear instead of their masked form (length and keyed hash)");
  t.add_string("protocols.credentials.mask_key", &a.credentials.mask_key,
               "Key of the masked form's HMAC (empty: random per run, so masks correlate only within a run)");
  t.add_integer("protocols.ftp.max_sessions", &a.max_ftp, "FTP control connections parsed at once", 1u, 1u << 22);
  t.add_size("protocols.ftp.max_line", &a.ftp.max_line, "Longest FTP command or reply line kept", 64, 1u << 20);
  t.add_integer("protocols.pop3.max_sessions", &a.max_pop3, "POP3 sessions parsed at once", 1u, 1u << 22);
  t.add_size("protocols.pop3.max_line", &a.pop3.max_line, "Longest POP3 line kept", 64, 1u << 20);
  t.add_integer("protocols.smb.max_sessions", &a.max_smb, "SMB connections parsed at once", 1u, 1u << 22);
  t.add_size("protocols.smb.max_message", &a.smb.max_message_bytes,
             "Largest SMB message buffered whole (bodies of reads and writes are skipped, never buffered)", 4096,
             1u << 24);
  t.add_integer("protocols.tls.max_sessions", &a.max_tls, "TLS handshakes parsed at once", 1u, 1u << 22);
  t.add_integer("protocols.tls.certificate_cache", &a.certificate_cache_entries,
                "Decoded server certificates remembered (by SHA-1) so a repeated one is not decoded again; 0: off",
                0u, 1u << 20);
  t.add_size("protocols.tls.max_handshake_message", &a.tls.max_handshake_message,
             "Largest TLS handshake message buffered (certificate chains are the large ones)", 4096, 1u << 24);
  t.add_integer("protocols.starttls.max_sessions", &a.max_starttls,
                "SMTP and IMAP sessions watched at once for STARTTLS, each", 1u, 1u << 22);

  t.describe_section("outputs", "Where records go.");
  t.add_string("outputs.log_dir", &c.log_dir, "Folder for eve.json (-l overrides)");
  t.add_bool("outputs.eve.enabled", &c.eve_enabled, "Write EVE JSON records");
  t.add_string("outputs.eve.filename", &c.eve_filename, "EVE file name inside outputs.log_dir");
  t.add_string_list("outputs.eve.types", &c.eve_types,
                    "Event types written (alert, smb, ftp, pop3, tls, anomaly, stats); \"*\": all");
  t.add_bool("outputs.eve.anomaly", &c.engine.anomaly_records, "Write an anomaly record per malformed packet");
  auto& l = c.syslog;
  t.describe_section("outputs.syslog", "Alerts (and optionally other records) as RFC 5424 syslog messages.");
  t.add_bool("outputs.syslog.enabled", &l.enabled, "Send records to syslog");
  t.add_enum("outputs.syslog.transport", &l.transport,
             "unix: the local socket (datagrams); udp; tcp: octet-counted frames (RFC 6587), reconnected with backoff",
             {{"unix", alert::SyslogTransport::unix_datagram}, {"udp", alert::SyslogTransport::udp},
              {"tcp", alert::SyslogTransport::tcp}});
  t.add_string("outputs.syslog.address", &l.address,
               "unix: socket path (empty: /dev/log); udp/tcp: host:port or [v6]:port (ports 514/udp, 601/tcp by default)");
  t.add_enum("outputs.syslog.facility", &l.facility, "Syslog facility",
             {{"kern", alert::SyslogFacility::kern}, {"user", alert::SyslogFacility::user},
              {"daemon", alert::SyslogFacility::daemon}, {"auth", alert::SyslogFacility::auth},
              {"authpriv", alert::SyslogFacility::authpriv}, {"local0", alert::SyslogFacility::local0},
              {"local1", alert::SyslogFacility::local1}, {"local2", alert::SyslogFacility::local2},
              {"local3", alert::SyslogFacility::local3}, {"local4", alert::SyslogFacility::local4},
              {"local5", alert::SyslogFacility::local5}, {"local6", alert::SyslogFacility::local6},
              {"local7", alert::SyslogFacility::local7}});
  t.add_string("outputs.syslog.hostname", &l.hostname, "HOSTNAME field (empty: this machine's host name)");
  t.add_string("outputs.syslog.app_name", &l.app_name, "APP-NAME field");
  t.add_string("outputs.syslog.msgid", &l.msgid, "MSGID of alerts (other records use their event type)");
  t.add_enum("outputs.syslog.message", &l.message,
             "MSG: human (a fast.log-style line per alert) or eve (the whole EVE JSON record)",
             {{"human", alert::SyslogMessageFormat::human}, {"eve", alert::SyslogMessageFormat::eve}});
  t.add_string_list("outputs.syslog.event_types", &l.event_types,
                    "EVE event types sent (\"*\": every record)");
  t.add_integer("outputs.syslog.backlog_records", &l.backlog_records,
                "Messages kept while the destination is unreachable; beyond it new ones are dropped and counted",
                std::size_t{1}, std::size_t{1} << 24);
  t.add_size("outputs.syslog.backlog_bytes", &l.backlog_bytes, "Bytes kept in that backlog", 4096);

  auto& k = c.kafka;
  t.describe_section("outputs.kafka",
                     "Records to Kafka (librdkafka): key = the flow's Community ID, value = the EVE line, "
                     "headers event_type and host (sensor.name).");
  t.add_bool("outputs.kafka.enabled", &k.enabled, "Produce records to Kafka");
  t.add_string("outputs.kafka.brokers", &k.brokers, "Bootstrap brokers: host:port[,host:port...]");
  t.add_string("outputs.kafka.topic", &k.topic,
               "Topic; {event_type} is replaced by the record's event type (spanwatch-{event_type}: a topic per type)");
  t.add_string("outputs.kafka.client_id", &k.client_id, "client.id the brokers see");
  t.add_enum("outputs.kafka.compression", &k.compression, "Compression of batches",
             {{"none", alert::KafkaCompression::none}, {"gzip", alert::KafkaCompression::gzip},
              {"snappy", alert::KafkaCompression::snappy}, {"lz4", alert::KafkaCompression::lz4},
              {"zstd", alert::KafkaCompression::zstd}});
  t.add_enum("outputs.kafka.acks", &k.acks,
             "Acknowledgement a record needs: all (every in-sync replica), leader, none",
             {{"all", alert::KafkaAcks::all}, {"leader", alert::KafkaAcks::leader}, {"none", alert::KafkaAcks::none}});
  t.add_bool("outputs.kafka.idempotence", &k.idempotence,
             "Idempotent producer: retries neither duplicate nor reorder records (needs acks: all)");
  t.add_integer("outputs.kafka.linger_ms", &k.linger_ms, "Longest wait to fill a batch, ms", 0u, 900000u);
  t.add_integer("outputs.kafka.batch_messages", &k.batch_messages, "Records per batch at most", 1u, 1000000u);
  t.add_size("outputs.kafka.batch_size", &k.batch_bytes, "Bytes per batch at most", 1, 2147483647);
  t.add_integer("outputs.kafka.queue_messages", &k.queue_messages,
                "Records not yet acknowledged at most (queue.buffering.max.messages); beyond it new records are "
                "dropped and counted (overflow). Size it for an alert storm times the longest broker outage",
                1u, 2147483647u);
  t.add_size("outputs.kafka.queue_size", &k.queue_bytes, "Bytes of those records at most", 1024,
             std::uint64_t{1} << 40);
  t.add_integer("outputs.kafka.message_timeout_ms", &k.message_timeout_ms,
                "A record not acknowledged this long is given up on and counted as lost, ms (0: never)", 0u,
                2147483647u);
  t.add_integer("outputs.kafka.stop_timeout_ms", &k.stop_timeout_ms,
                "At stop, how long queued records may take to be delivered before they are counted as lost, ms "
                "(keep it below the output thread's stop budget, 5000)",
                1u, 60000u);
  t.add_string_list("outputs.kafka.event_types", &k.event_types, "EVE event types sent (\"*\": every record)");
  t.add_string_list("outputs.kafka.properties", &k.properties,
                    "Any other librdkafka property as \"name=value\" (TLS, SASL, retries...), applied last");

  auto& r = c.redis;
  t.describe_section("outputs.redis", "EVE records to Redis in Suricata's modes (list, channel, stream).");
  t.add_bool("outputs.redis.enabled", &r.enabled, "Send records to Redis");
  t.add_string("outputs.redis.address", &r.address, "host:port or [v6]:port of the server (port 6379 by default)");
  t.add_enum("outputs.redis.mode", &r.mode,
             "list or lpush: LPUSH; rpush: RPUSH; channel or publish: PUBLISH; stream or xadd: XADD MAXLEN ~ N",
             {{"list", alert::RedisMode::lpush}, {"lpush", alert::RedisMode::lpush},
              {"rpush", alert::RedisMode::rpush}, {"channel", alert::RedisMode::publish},
              {"publish", alert::RedisMode::publish}, {"stream", alert::RedisMode::xadd},
              {"xadd", alert::RedisMode::xadd}});
  t.add_string("outputs.redis.key", &r.key,
               "List, channel or stream name; {event_type} is replaced by the record's type (spanwatch-{event_type})");
  t.add_string_list("outputs.redis.event_types", &r.event_types, "EVE event types sent (\"*\": every record)");
  t.add_integer("outputs.redis.stream_maxlen", &r.stream_maxlen,
                "stream: entries kept (MAXLEN ~ N; 0: no trimming)", std::size_t{0}, std::size_t{1} << 32);
  t.add_bool("outputs.redis.stream_trim_exact", &r.stream_trim_exact, "stream: MAXLEN N instead of MAXLEN ~ N");
  t.add_string("outputs.redis.stream_field", &r.stream_field, "stream: the field holding the EVE line");
  t.add_string("outputs.redis.username", &r.username, "AUTH user (Redis 6 ACL; empty: AUTH with the password only)");
  t.add_string("outputs.redis.password", &r.password, "AUTH password (empty: no AUTH)");
  t.add_integer("outputs.redis.database", &r.database, "Database index (SELECT)", 0u, 1u << 16);
  t.add_integer("outputs.redis.batch_records", &r.batch_records,
                "Commands per write (pipelined: replies are not waited for)", std::size_t{1}, std::size_t{1} << 16);
  t.add_integer("outputs.redis.backlog_records", &r.backlog_records,
                "Records kept until the server acknowledges them; beyond it new ones are dropped and counted",
                std::size_t{1}, std::size_t{1} << 24);
  t.add_size("outputs.redis.backlog_bytes", &r.backlog_bytes, "Bytes kept in that backlog", 4096);

  t.add_size("outputs.queue_size", &c.output_queue_bytes,
             "Records in flight from the packet worker to the output thread; live capture drops (and counts) "
             "what does not fit rather than stall, offline reading waits",
             64 * 1024, std::size_t{1} << 30);
  t.add_duration("outputs.stats.interval", &c.stats_interval_seconds,
                 "Seconds between stats records (0: only at exit)");

  t.describe_section("rules", "Detection rules.");
  t.add_string("rules.dir", &c.rules_dir, "Folder of rule files (--rules overrides)");
  t.add_string_list("rules.home_net", &c.home_net,
                    "CIDRs of $HOME_NET (empty: the private, ULA and CGNAT ranges)");
  t.add_string_list("rules.ftp_nat_allowed", &c.ftp_nat_allowed,
                    "CIDRs a PORT/EPRT may announce without a NAT-mismatch alert ($FTP_NAT_ALLOWED)");

  t.describe_section("run_as", "Who the sensor runs as once live capture is open (offline reading keeps the caller's identity).");
  t.add_string("run_as.user", &c.run_as.user, "Started as root, live capture drops to this user with no capabilities");
  t.add_string("run_as.group", &c.run_as.group, "Group to run as (empty: the user's primary group)");
  t.add_bool("run_as.allow_root", &c.run_as.allow_root, "Keep running as root after start-up (not recommended)");
  t.add_string("run_as.pid_file", &c.pid_file, "Write the process id here while running (empty: no pid file)");

  t.describe_section("logging", "The sensor's own log on stderr / the journal.");
  t.add_enum("logging.level", &c.log_level, "Least severe message shown (-v and -q shift it)",
             {{"error", LogLevel::error}, {"warning", LogLevel::warning}, {"info", LogLevel::info},
              {"debug", LogLevel::debug}});
}

}  // namespace spanwatch::daemon
