#include "daemon/privileges.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/capability.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace spanwatch::daemon {
namespace {

struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
};

std::string error_text(int error) { return std::strerror(error); }

// getpwnam_r/getgrnam_r with a buffer grown on ERANGE (large group member lists exceed any guess).
template <typename Entry, typename Lookup>
bool look_up(const std::string& name, Entry& entry, std::vector<char>& buffer, Lookup lookup, int& error) {
  buffer.resize(4096);
  for (;;) {
    Entry* found = nullptr;
    error = lookup(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1u << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    return error == 0 && found != nullptr;
  }
}

Identity resolve(const PrivilegeOptions& options) {
  if (options.user.empty())
    throw std::runtime_error("run_as.user is empty: name the user to run as (the package creates spanwatch), "
                             "or set run_as.allow_root: true");
  Identity identity;
  std::vector<char> buffer;
  int error = 0;
  passwd user{};
  if (!look_up(options.user, user, buffer, ::getpwnam_r, error)) {
    if (error != 0) throw std::runtime_error("cannot look up user " + options.user + ": " + error_text(error));
    throw std::runtime_error("user " + options.user + " does not exist: create it (the package does), set " +
                             "run_as.user, or run_as.allow_root: true");
  }
  identity.uid = user.pw_uid;
  identity.gid = user.pw_gid;
  if (!options.group.empty()) {
    group entry{};
    if (!look_up(options.group, entry, buffer, ::getgrnam_r, error)) {
      if (error != 0) throw std::runtime_error("cannot look up group " + options.group + ": " + error_text(error));
      throw std::runtime_error("group " + options.group + " does not exist: create it, set run_as.group, or leave " +
                               "it empty for the primary group of " + options.user);
    }
    identity.gid = entry.gr_gid;
  }
  if (identity.uid == 0)
    throw std::runtime_error("run_as.user " + options.user + " is root (uid 0): name an unprivileged user, or set " +
                             "run_as.allow_root: true to keep running as root");
  return identity;
}

std::string change_id_failure(int rc) {
  switch (rc) {
    case -1: return "libcap-ng is not initialised";
    case -2: return "keeping capabilities across the uid change failed";
    case -3: return "applying the intermediate capabilities failed";
    case -4: return "changing the group failed";
    case -5: return "dropping the supplementary groups failed";
    case -6: return "changing the user failed";
    case -7: return "ending the keeping of capabilities failed";
    case -8: return "clearing the capability bounding set failed";
    case -9: return "dropping CAP_SETPCAP or the ambient capabilities failed";
    default: return "capng_change_id returned " + std::to_string(rc);
  }
}

void forbid_new_privileges() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    throw std::runtime_error("cannot set no_new_privs: " + error_text(errno));
}

bool holds_any_capability(const ProcessCredentials& c) {
  return (c.cap_effective | c.cap_permitted | c.cap_inheritable | c.cap_ambient) != 0;
}

// The drop is checked from the kernel's side, not trusted from return codes.
void verify(const ProcessCredentials& c, const Identity& target, bool bounding_cleared) {
  const bool identity_ok = c.uid_real == target.uid && c.uid_effective == target.uid && c.uid_saved == target.uid &&
                           c.gid_real == target.gid && c.gid_effective == target.gid && c.gid_saved == target.gid &&
                           c.supplementary_groups == 0;
  if (!identity_ok || holds_any_capability(c) || (bounding_cleared && c.cap_bounding != 0) || !c.no_new_privs)
    throw std::runtime_error("privilege drop incomplete, the kernel reports " + describe(c));
}

// Not root but holding capabilities, as under systemd with User= and AmbientCapabilities=: they
// were needed to open the capture and are cleared now. The bounding set needs CAP_SETPCAP to
// change and no_new_privs makes it irrelevant.
DropResult clear_capabilities(const ProcessCredentials& before) {
  DropResult result;
  result.uid = static_cast<std::uint32_t>(::getuid());
  result.gid = static_cast<std::uint32_t>(::getgid());
  result.outcome = DropOutcome::unprivileged;
  if (holds_any_capability(before)) {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
      throw std::runtime_error("cannot clear the ambient capabilities: " + error_text(errno));
    capng_clear(CAPNG_SELECT_CAPS);
    if (capng_apply(CAPNG_SELECT_CAPS) != 0)
      throw std::runtime_error("cannot clear the capabilities: " + error_text(errno));
    result.outcome = DropOutcome::capabilities_cleared;
  }
  forbid_new_privileges();
  const ProcessCredentials after = read_process_credentials();
  if (holds_any_capability(after) || !after.no_new_privs)
    throw std::runtime_error("capabilities not cleared, the kernel reports " + describe(after));
  return result;
}

std::uint64_t parse_hex(std::string_view text) {
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value, 16);
  return value;
}

// "0\t0\t0\t0" → the first `count` numbers.
void parse_ids(std::string_view text, std::uint32_t* out, std::size_t count) {
  std::size_t i = 0;
  while (i < count && !text.empty()) {
    const std::size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out[i]);
    if (ec != std::errc{}) break;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    ++i;
  }
}

std::uint32_t count_words(std::string_view text) {
  std::uint32_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

std::string_view name_of(DropOutcome outcome) {
  switch (outcome) {
    case DropOutcome::dropped: return "dropped";
    case DropOutcome::capabilities_cleared: return "capabilities_cleared";
    case DropOutcome::unprivileged: return "unprivileged";
    case DropOutcome::kept_root: return "kept_root";
  }
  return "unknown";
}

DropResult drop_privileges(const PrivilegeOptions& options) {
  const ProcessCredentials before = read_process_credentials();
  if (::geteuid() != 0) return clear_capabilities(before);

  DropResult result;
  if (options.allow_root) {
    result.outcome = DropOutcome::kept_root;
    return result;
  }
  const Identity target = resolve(options);
  result.bounding_set_cleared = (before.cap_effective & (std::uint64_t{1} << CAP_SETPCAP)) != 0;
  int flags = CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_AMBIENT;
  if (result.bounding_set_cleared) flags |= CAPNG_CLEAR_BOUNDING;
  capng_clear(CAPNG_SELECT_BOTH);  // keep no capability across the change
  errno = 0;
  const int rc = capng_change_id(static_cast<int>(target.uid), static_cast<int>(target.gid),
                                 static_cast<capng_flags_t>(flags));
  if (rc != 0) {
    const int error = errno;
    throw std::runtime_error("cannot drop privileges to user " + options.user + ": " + change_id_failure(rc) +
                             (error != 0 ? " (" + error_text(error) + ")" : std::string()));
  }
  forbid_new_privileges();
  verify(read_process_credentials(), target, result.bounding_set_cleared);
  result.outcome = DropOutcome::dropped;
  result.uid = target.uid;
  result.gid = target.gid;
  return result;
}

void hand_over_directory(const std::string& directory, const PrivilegeOptions& options) {
  if (::geteuid() != 0 || options.allow_root) return;
  const Identity target = resolve(options);
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0) throw std::runtime_error("cannot open " + directory + ": " + error_text(errno));
  if (::fchown(dir_fd, target.uid, target.gid) != 0) {
    const int error = errno;
    ::close(dir_fd);
    throw std::runtime_error("cannot give " + directory + " to user " + options.user + ": " + error_text(error));
  }
  // fdopendir owns the descriptor it is given; a second one stays ours for openat.
  std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(::dup(dir_fd)), ::closedir);
  std::string failure;
  while (listing && failure.empty()) {
    const dirent* entry = ::readdir(listing.get());
    if (entry == nullptr) break;
    if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    // Opened without following links, then checked: a planted symlink or a hard link to a file
    // elsewhere (st_nlink > 1) is never given away.
    const int fd = ::openat(dir_fd, entry->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_nlink == 1 &&
        (info.st_uid != target.uid || info.st_gid != target.gid) && ::fchown(fd, target.uid, target.gid) != 0)
      failure = "cannot give " + directory + "/" + entry->d_name + " to user " + options.user + ": " +
                error_text(errno);
    ::close(fd);
  }
  ::close(dir_fd);
  if (!listing) throw std::runtime_error("cannot list " + directory + ": " + error_text(errno));
  if (!failure.empty()) throw std::runtime_error(failure);
}

ProcessCredentials parse_process_status(std::string_view text) {
  ProcessCredentials c;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    const std::size_t start = value.find_first_not_of(" \t");
    value.remove_prefix(start == std::string_view::npos ? value.size() : start);
    if (key == "Uid") {
      std::uint32_t ids[3] = {};
      parse_ids(value, ids, 3);
      c.uid_real = ids[0], c.uid_effective = ids[1], c.uid_saved = ids[2];
    } else if (key == "Gid") {
      std::uint32_t ids[3] = {};
      parse_ids(value, ids, 3);
      c.gid_real = ids[0], c.gid_effective = ids[1], c.gid_saved = ids[2];
    } else if (key == "Groups") {
      c.supplementary_groups = count_words(value);
    } else if (key == "CapInh") {
      c.cap_inheritable = parse_hex(value);
    } else if (key == "CapPrm") {
      c.cap_permitted = parse_hex(value);
    } else if (key == "CapEff") {
      c.cap_effective = parse_hex(value);
    } else if (key == "CapBnd") {
      c.cap_bounding = parse_hex(value);
    } else if (key == "CapAmb") {
      c.cap_ambient = parse_hex(value);
    } else if (key == "NoNewPrivs") {
      c.no_new_privs = value.substr(0, 1) == "1";
    }
  }
  return c;
}

ProcessCredentials read_process_credentials() {
  // The calling thread's view: credentials are per thread; on the main thread this is /proc/self/status.
  std::ifstream in("/proc/thread-self/status");
  if (!in) in.open("/proc/self/status");
  if (!in) throw std::runtime_error("cannot read /proc/self/status: " + error_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_process_status(text.str());
}

std::string describe(const ProcessCredentials& c) {
  std::ostringstream out;
  out << "uid=" << c.uid_effective << " gid=" << c.gid_effective << " groups=" << c.supplementary_groups << std::hex
      << " CapEff=" << c.cap_effective << " CapPrm=" << c.cap_permitted << " CapBnd=" << c.cap_bounding
      << " CapAmb=" << c.cap_ambient << " no_new_privs=" << (c.no_new_privs ? 1 : 0);
  return out.str();
}

}  // namespace spanwatch::daemon
