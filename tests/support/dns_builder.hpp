#pragma once
// DNS messages (RFC 1035) for UDP background traffic: an A query and its answer.
#include <cstdint>
#include <string_view>

#include "support/wire_put.hpp"

namespace spanwatch::testing::dns {

// "www.example.test" as length-prefixed labels ending with the root label.
inline void put_name(Frame& f, std::string_view name) {
  while (!name.empty()) {
    const auto dot = name.find('.');
    const auto label = name.substr(0, dot);
    put8(f, static_cast<std::uint8_t>(label.size()));
    append(f, label);
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  }
  put8(f, 0);
}

inline Frame query_a(std::uint16_t id, std::string_view name) {
  Frame f;
  put16(f, id);
  put16(f, 0x0100);  // standard query, recursion desired
  put16(f, 1);
  put16(f, 0);
  put16(f, 0);
  put16(f, 0);
  put_name(f, name);
  put16(f, 1);  // A
  put16(f, 1);  // IN
  return f;
}

inline Frame response_a(std::uint16_t id, std::string_view name, const Address& answer, std::uint32_t ttl = 300) {
  Frame f;
  put16(f, id);
  put16(f, 0x8180);  // response, RD, RA, no error
  put16(f, 1);
  put16(f, 1);
  put16(f, 0);
  put16(f, 0);
  put_name(f, name);
  put16(f, 1);
  put16(f, 1);
  put16(f, 0xc00c);  // pointer to the question name
  put16(f, 1);
  put16(f, 1);
  put32(f, ttl);
  put16(f, 4);
  append(f, answer.bytes.data(), 4);
  return f;
}

}  // namespace spanwatch::testing::dns
