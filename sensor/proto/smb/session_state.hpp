#pragma once
// Requests waiting for their response, copied into bounded storage (the request bytes die with the
// packet): who tried to log on, which share, which dialects. Each is an entry from the worker's
// pools held only until its response (a session has one or two at a time); the oldest entry gives
// way when a table is full (counted by the parser).
#include <array>
#include <cstdint>
#include <string_view>

#include "core/fixed_string.hpp"
#include "events/smb.hpp"
#include "proto/worker_pool.hpp"

namespace spanwatch::proto::smb {

// What a SESSION_SETUP request said about the client's identity.
struct Identity {
  events::smb::Mechanism mechanism = events::smb::Mechanism::unknown;
  core::FixedString<128> user;
  core::FixedString<128> domain;
  core::FixedString<64> workstation;
  core::FixedString<64> kerberos_realm;
  core::FixedString<128> kerberos_principal;
  core::FixedString<64> native_os;
  core::FixedString<64> native_lm;
  core::FixedString<64> password;  // masked unless cleartext logging is on
  bool anonymous = false;
  bool password_seen = false;
  bool binding = false;
  events::smb::NtlmVersion ntlm_version = events::smb::NtlmVersion::none;
  events::smb::NtlmsspVersion ntlmssp_version;
};

struct PendingSessionSetup {
  events::smb::Version version = events::smb::Version::smb2;
  std::uint64_t session_id = 0;
  Identity identity;
};

struct PendingTreeConnect {
  events::smb::Version version = events::smb::Version::smb2;
  std::uint64_t session_id = 0;
  core::FixedString<256> share;
};

struct PendingNegotiate {
  static constexpr std::size_t max_dialects = 16;
  std::array<std::uint16_t, max_dialects> dialects{};
  std::size_t dialect_count = 0;
  std::array<core::FixedString<24>, max_dialects> names;  // as offered; SMB1 strings or "2.02" forms
  std::array<std::string_view, max_dialects> name_views;
  std::size_t name_count = 0;
};

// A table of T keyed by a request id (SMB2 MessageId, SMB1 PID<<16|MID), oldest first. Its entries
// come from the worker's pool (PendingPools) one per outstanding request, so a session holds
// memory only while a request waits; the oldest entry gives way when `capacity` are outstanding.
template <class T>
class PendingTable {
 public:
  struct Entry {
    std::uint64_t key = 0;
    T value;
  };
  using Pool = typename PooledQueue<Entry>::Pool;

  PendingTable(std::size_t capacity, Pool& pool) : capacity_(capacity == 0 ? 1 : capacity), entries_(pool) {}

  // A fresh entry for `key`, the newest (an entry with the same key is replaced). Sets `evicted`
  // when the oldest entry had to give way.
  T& insert(std::uint64_t key, bool& evicted) {
    erase(key);
    evicted = entries_.size() == capacity_;
    if (evicted) entries_.pop_front();
    Entry& entry = entries_.push_back();
    entry.key = key;
    entry.value = T{};
    return entry.value;
  }
  T* find(std::uint64_t key) {
    Entry* entry = entries_.find_if([key](const Entry& e) { return e.key == key; });
    return entry == nullptr ? nullptr : &entry->value;
  }
  void erase(std::uint64_t key) {
    entries_.erase_if([key](const Entry& e) { return e.key == key; });
  }
  template <class Visitor>
  void for_each_oldest_first(Visitor&& visit) const {
    entries_.for_each([&visit](const Entry& e) { visit(e.value); });
  }
  template <class Predicate>
  void erase_if(Predicate&& predicate) {
    entries_.erase_if([&predicate](const Entry& e) { return predicate(e.value); });
  }
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::size_t capacity_;
  PooledQueue<Entry> entries_;
};

// The entries of the pending tables and negotiations of one worker's SMB parsers: a parser takes
// one per request awaiting its response and gives it back with the response, so memory follows
// the requests outstanding across the worker, not its parsers times max_pending_requests. Not
// thread-safe.
struct PendingPools {
  PendingTable<PendingSessionSetup>::Pool session_setups;
  PendingTable<PendingTreeConnect>::Pool tree_connects;
  WorkerPool<PendingNegotiate> negotiates;
};

}  // namespace spanwatch::proto::smb
