#pragma once
// SMB1 messages (MS-CIFS 2.2) for the SMB tests: header, NEGOTIATE, SESSION_SETUP_ANDX in its
// extended-security and NT LM 0.12 forms, TREE_CONNECT_ANDX, wrapped in the NBSS header.
#include <cstdint>
#include <string_view>
#include <vector>

#include "support/wire_put.hpp"

namespace spanwatch::testing::smb1 {

constexpr std::uint8_t negotiate = 0x72, session_setup_andx = 0x73, logoff_andx = 0x74, tree_connect_andx = 0x75,
                       no_andx = 0xff;
constexpr std::uint16_t flags2_unicode_nt_ext = 0xc801;  // Unicode, NT status, extended security, long names

struct Header {
  std::uint8_t command = negotiate;
  bool reply = false;
  std::uint32_t status = 0;          // NT status (flags2 has the NT status bit)
  std::uint16_t flags2 = flags2_unicode_nt_ext;
  std::uint16_t uid = 0, mid = 1, pid = 0xfeff, tid = 0;
};

inline Frame header(const Header& h) {
  Frame f;
  append(f, Frame{0xff, 'S', 'M', 'B', h.command});
  put_le32(f, h.status);
  put8(f, h.reply ? 0x98 : 0x18);
  put_le16(f, h.flags2);
  append(f, Frame(12, 0));  // PIDHigh, SecurityFeatures, Reserved
  put_le16(f, h.tid);
  put_le16(f, h.pid);
  put_le16(f, h.uid);
  put_le16(f, h.mid);
  return f;
}
// A DOS error (class, code) in the status field, flags2 without the NT status bit.
inline Header dos_error(Header h, std::uint8_t error_class, std::uint16_t code) {
  h.flags2 = static_cast<std::uint16_t>(h.flags2 & ~0x4000);
  h.status = error_class | (std::uint32_t{code} << 16);
  return h;
}

inline void block(Frame& f, const Frame& words, const Frame& bytes) {
  put8(f, static_cast<std::uint8_t>(words.size() / 2));
  append(f, words);
  put_le16(f, static_cast<std::uint16_t>(bytes.size()));
  append(f, bytes);
}

inline Frame nbss(const Frame& message) {
  Frame out;
  put8(out, 0);
  put24(out, static_cast<std::uint32_t>(message.size()));
  append(out, message);
  return out;
}

inline Frame negotiate_request(const Header& h, const std::vector<std::string_view>& dialects) {
  Frame bytes;
  for (const auto d : dialects) {
    put8(bytes, 0x02);
    append(bytes, d);
    put8(bytes, 0);
  }
  Frame m = header(h);
  block(m, {}, bytes);
  return nbss(m);
}

inline Frame negotiate_response(const Header& h, std::uint16_t index, std::uint8_t security_mode,
                                std::uint32_t capabilities) {
  Frame w;
  put_le16(w, index);
  put8(w, security_mode);
  put_le16(w, 50);  // MaxMpxCount
  put_le16(w, 1);   // MaxNumberVcs
  put_le32(w, 16644);
  put_le32(w, 65536);
  put_le32(w, 0);  // SessionKey
  put_le32(w, capabilities);
  put_le64(w, 0);  // SystemTime
  put_le16(w, 0);  // ServerTimeZone
  put8(w, 0);      // ChallengeLength
  Frame m = header(h);
  block(m, w, Frame(16, 0x11));  // ServerGUID (extended security)
  return nbss(m);
}

inline Frame andx(std::uint8_t command, std::uint16_t offset) {
  Frame w{command, 0};
  put_le16(w, offset);
  return w;
}

// Extended security request (12 words): the blob, then NativeOS/NativeLanMan in Unicode.
inline Frame session_setup_request_blob(const Header& h, const Frame& blob) {
  Frame w = andx(no_andx, 0);
  put_le16(w, 16644);
  put_le16(w, 50);
  put_le16(w, 0);
  put_le32(w, 0);
  put_le16(w, static_cast<std::uint16_t>(blob.size()));
  put_le32(w, 0);
  put_le32(w, 0x800000d4);  // extended security, NT status, Unicode, large files
  Frame bytes = blob;
  Frame m = header(h);
  // NativeOS starts on an even offset from the header: 32 + 1 + 24 + 2 = 59 is odd.
  if ((m.size() + 1 + w.size() + 2 + bytes.size()) % 2) put8(bytes, 0);
  append(bytes, utf16le("Unix"));
  put_le16(bytes, 0);
  append(bytes, utf16le("Samba"));
  put_le16(bytes, 0);
  block(m, w, bytes);
  return nbss(m);
}

// NT LM 0.12 request without extended security (13 words), optionally chaining a TREE_CONNECT_ANDX.
inline Frame session_setup_request_ntlm(const Header& h, const Frame& lm, const Frame& nt, std::string_view account,
                                        std::string_view domain, std::string_view tree_path = {}) {
  Frame m = header(h);
  const std::size_t block_start = m.size();
  Frame bytes = lm;
  append(bytes, nt);
  // Unicode strings align on even offsets from the header start.
  const std::size_t bytes_start = block_start + 1 + 26 + 2;
  if ((bytes_start + bytes.size()) % 2) put8(bytes, 0);
  for (const auto s : {account, domain, std::string_view("Unix"), std::string_view("Samba")}) {
    append(bytes, utf16le(s));
    put_le16(bytes, 0);
  }
  const std::size_t next = bytes_start + bytes.size();
  Frame w = andx(tree_path.empty() ? no_andx : tree_connect_andx, static_cast<std::uint16_t>(tree_path.empty() ? 0 : next));
  put_le16(w, 16644);
  put_le16(w, 50);
  put_le16(w, 0);
  put_le32(w, 0);
  put_le16(w, static_cast<std::uint16_t>(lm.size()));
  put_le16(w, static_cast<std::uint16_t>(nt.size()));
  put_le32(w, 0);
  put_le32(w, 0x000000d4);
  block(m, w, bytes);
  if (!tree_path.empty()) {
    Frame tw = andx(no_andx, 0);
    put_le16(tw, 0);  // Flags
    put_le16(tw, 1);  // PasswordLength
    Frame tb{0};
    if ((m.size() + 1 + tw.size() + 2 + tb.size()) % 2) put8(tb, 0);
    append(tb, utf16le(tree_path));
    put_le16(tb, 0);
    append(tb, std::string_view("?????"));
    put8(tb, 0);
    block(m, tw, tb);
  }
  return nbss(m);
}

inline Frame session_setup_response(const Header& h, const Frame& blob, std::uint16_t action = 0) {
  Frame m = header(h);
  if (h.status != 0 && h.status != 0xC0000016 && blob.empty()) {
    block(m, {}, {});
    return nbss(m);
  }
  Frame w = andx(no_andx, 0);
  put_le16(w, action);
  if (!blob.empty()) put_le16(w, static_cast<std::uint16_t>(blob.size()));
  block(m, w, blob);
  return nbss(m);
}

}  // namespace spanwatch::testing::smb1
