#pragma once
// Requests waiting for their response, copied into bounded inline storage (the request bytes die
// with the packet): who tried to log on, which share, which dialects. Tables reserved once per
// parser and filled only as far as requests are outstanding (a session has one or two at a time, so
// the pages of the rest are never touched); the oldest entry gives way when one is full (counted by
// the parser).
#include <array>
#include <cstdint>
#include <vector>

#include "core/fixed_string.hpp"
#include "events/smb.hpp"

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

// A table of T keyed by a request id (SMB2 MessageId, SMB1 PID<<16|MID).
template <class T>
class PendingTable {
 public:
  explicit PendingTable(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) { slots_.reserve(capacity_); }

  // A slot for `key` (replacing an entry with the same key). Sets `evicted` when the oldest
  // entry had to give way.
  T& insert(std::uint64_t key, bool& evicted) {
    evicted = false;
    Slot* target = nullptr;
    for (auto& slot : slots_) {
      if (slot.used && slot.key == key) {
        target = &slot;
        break;
      }
      if (!slot.used && !target) target = &slot;
    }
    if (!target && slots_.size() < capacity_) target = &slots_.emplace_back();  // within the reserve
    if (!target) {
      target = &slots_.front();
      for (auto& slot : slots_) {
        if (slot.age < target->age) target = &slot;
      }
      evicted = true;
    }
    target->used = true;
    target->key = key;
    target->age = ++clock_;
    target->value = T{};
    return target->value;
  }
  T* find(std::uint64_t key) {
    for (auto& slot : slots_) {
      if (slot.used && slot.key == key) return &slot.value;
    }
    return nullptr;
  }
  void erase(std::uint64_t key) {
    for (auto& slot : slots_) {
      if (slot.used && slot.key == key) slot.used = false;
    }
  }
  // Visits the entries oldest first (tables are small: a quadratic walk is fine at flow end).
  template <class Visitor>
  void for_each_oldest_first(Visitor&& visit) const {
    std::uint64_t after = 0;
    for (;;) {
      const Slot* next = nullptr;
      for (const auto& slot : slots_) {
        if (slot.used && slot.age > after && (!next || slot.age < next->age)) next = &slot;
      }
      if (!next) return;
      visit(next->value);
      after = next->age;
    }
  }
  template <class Predicate>
  void erase_if(Predicate&& predicate) {
    for (auto& slot : slots_) {
      if (slot.used && predicate(slot.value)) slot.used = false;
    }
  }
  // Slots ever filled since the last clear(): the most requests outstanding at once (memory touched).
  std::size_t slots_filled() const { return slots_.size(); }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& slot : slots_) n += slot.used ? 1 : 0;
    return n;
  }
  void clear() {
    slots_.clear();  // keeps the reserve; a slot not in use is one never filled
    clock_ = 0;
  }

 private:
  struct Slot {
    bool used = false;
    std::uint64_t key = 0;
    std::uint64_t age = 0;
    T value;
  };
  std::size_t capacity_;
  std::vector<Slot> slots_;  // capacity_ reserved; grows to the most requests outstanding at once
  std::uint64_t clock_ = 0;
};

}  // namespace spanwatch::proto::smb
