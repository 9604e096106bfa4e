#include "mixed_scripts.hpp"

namespace spanwatch::tools::mixed {

namespace {

constexpr Peer I = Peer::initiator;
constexpr Peer R = Peer::responder;

std::vector<Step> handshake(std::uint8_t channel = 0) {
  return {{StepKind::syn, I, channel}, {StepKind::syn_ack, R, channel}, {StepKind::ack, I, channel}};
}
std::vector<Step> teardown(Peer first, std::uint8_t channel = 0) {
  const Peer second = first == I ? R : I;
  return {{StepKind::fin, first, channel}, {StepKind::fin, second, channel}, {StepKind::ack, first, channel}};
}
Step data(Peer from, std::uint8_t slot, std::uint8_t channel = 0) { return {StepKind::data, from, channel, slot}; }
Step bulk(Peer from, BulkStyle style, std::uint8_t channel = 0) {
  return {StepKind::bulk, from, channel, static_cast<std::uint8_t>(style)};
}
Script script(SessionKind kind, std::initializer_list<std::vector<Step>> parts) {
  Script s{kind, {}};
  for (const auto& part : parts) s.steps.insert(s.steps.end(), part.begin(), part.end());
  return s;
}

}  // namespace

std::vector<Script> make_scripts() {
  namespace t12 = tls12_slot;
  namespace t13 = tls13_slot;
  namespace ftp = ftp_slot;
  namespace pop = pop3_slot;
  namespace smb = smb2_slot;
  const std::vector<Step> tls12_open = {data(I, t12::client_hello), data(R, t12::server_flight),
                                        data(I, t12::client_finish), data(R, t12::server_finish),
                                        data(I, t12::request), bulk(R, BulkStyle::tls_records)};
  const std::vector<Step> ftp_login = {data(R, ftp::banner), data(I, ftp::user), data(R, ftp::need_password),
                                       data(I, ftp::pass)};
  const std::vector<Step> pop_login = {data(R, pop::banner), data(I, pop::user), data(R, pop::ok),
                                       data(I, pop::pass)};
  const std::vector<Step> smb_logon = {data(I, smb::negotiate), data(R, smb::negotiate_reply),
                                       data(I, smb::setup_negotiate), data(R, smb::setup_challenge),
                                       data(I, smb::setup_authenticate)};
  std::vector<Script> s;
  s.push_back(script(SessionKind::tls12, {handshake(), tls12_open, {data(I, t12::close_alert)}, teardown(I)}));
  s.push_back(script(SessionKind::tls12, {handshake(), tls12_open, {{StepKind::rst, R}}}));
  s.push_back(script(SessionKind::tls13, {handshake(),
                                          {data(I, t13::client_hello), data(R, t13::server_flight),
                                           data(I, t13::client_finish), data(I, t13::request),
                                           bulk(R, BulkStyle::tls_records), data(I, t13::close_alert)},
                                          teardown(I)}));
  s.push_back(script(SessionKind::ftp,
                     {handshake(), ftp_login,
                      {data(R, ftp::logged_in), data(I, ftp::type), data(R, ftp::type_ok), {StepKind::session_line, I},
                       data(R, ftp::port_ok), data(I, ftp::retr)},
                      handshake(1),
                      {data(R, ftp::opening), bulk(I, BulkStyle::binary, 1)},
                      teardown(I, 1),
                      {data(R, ftp::transfer_complete), data(I, ftp::quit), data(R, ftp::goodbye)},
                      teardown(R)}));
  s.push_back(script(SessionKind::ftp, {handshake(), ftp_login,
                                        {data(R, ftp::login_failed), data(I, ftp::quit), data(R, ftp::goodbye)},
                                        teardown(R)}));
  s.push_back(script(SessionKind::pop3, {handshake(), pop_login,
                                         {data(R, pop::logged_in), data(I, pop::stat), data(R, pop::stat_reply),
                                          data(I, pop::retr), {StepKind::session_line, R}, bulk(R, BulkStyle::text),
                                          data(R, pop::end_of_message), data(I, pop::quit), data(R, pop::goodbye)},
                                         teardown(R)}));
  s.push_back(script(SessionKind::pop3, {handshake(), pop_login,
                                         {data(R, pop::login_failed), data(I, pop::quit), data(R, pop::goodbye)},
                                         teardown(R)}));
  s.push_back(script(SessionKind::smb2,
                     {handshake(), smb_logon, {data(R, smb::logon_success), {StepKind::ack, I}}, teardown(I)}));
  s.push_back(script(SessionKind::smb2,
                     {handshake(), smb_logon, {data(R, smb::logon_failure), {StepKind::ack, I}}, teardown(I)}));
  s.push_back(script(SessionKind::dns, {{{StepKind::udp, I, 0, dns_slot::query},
                                         {StepKind::udp, R, 0, dns_slot::response}}}));
  return s;
}

}  // namespace spanwatch::tools::mixed
