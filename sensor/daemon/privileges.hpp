#pragma once
// Giving up root after the capture handles are open: to the configured user and group, with the
// supplementary groups reset and no capability kept (libcap-ng, as Suricata does). Called once, at
// start-up, before any thread is started: capabilities are per thread, so a thread that already
// exists would keep its own (setresuid reaches every thread, capset does not).
#include <cstdint>
#include <string>
#include <string_view>

namespace spanwatch::daemon {

struct PrivilegeOptions {
  std::string user = "spanwatch";
  std::string group;        // empty: the user's primary group
  bool allow_root = false;  // true: stay root, drop nothing (the explicit opt-out)
};

// What drop_privileges did.
enum class DropOutcome {
  dropped,               // was root; now options.user/group with no capabilities
  capabilities_cleared,  // was not root but held capabilities (systemd AmbientCapabilities=); now none
  unprivileged,          // was not root and held no capabilities: nothing to do
  kept_root,             // options.allow_root: still root with every capability
};

std::string_view name_of(DropOutcome outcome);

struct DropResult {
  DropOutcome outcome = DropOutcome::unprivileged;
  std::uint32_t uid = 0;  // the identity the process runs as afterwards
  std::uint32_t gid = 0;
  bool bounding_set_cleared = false;  // needs CAP_SETPCAP; without it no_new_privs stands in
};

// Throws std::runtime_error with one line a user can act on (an unknown user or group, run_as.user
// naming root without allow_root, a kernel refusal) and leaves the process as it was whenever it
// can; after a partial failure the caller must exit. Sets PR_SET_NO_NEW_PRIVS in every outcome but
// kept_root: nothing spanwatch runs may gain privileges through execve.
DropResult drop_privileges(const PrivilegeOptions& options);

// Before the drop: makes `directory` (which the sensor created as root, e.g. the log dir) and the
// regular files directly inside it belong to the target user and group, so that after the drop
// SIGHUP can reopen and create files there. Symbolic links are neither followed nor changed. A no-op
// unless the process is root and options.allow_root is false. Throws std::runtime_error.
void hand_over_directory(const std::string& directory, const PrivilegeOptions& options);

// The calling process's identity as the kernel reports it in /proc/self/status.
struct ProcessCredentials {
  std::uint32_t uid_real = 0, uid_effective = 0, uid_saved = 0;
  std::uint32_t gid_real = 0, gid_effective = 0, gid_saved = 0;
  std::uint32_t supplementary_groups = 0;  // how many
  std::uint64_t cap_effective = 0, cap_permitted = 0, cap_inheritable = 0, cap_bounding = 0, cap_ambient = 0;
  bool no_new_privs = false;
};

// Parses the text of a /proc/<pid>/status file; fields it does not find stay zero.
ProcessCredentials parse_process_status(std::string_view status_text);
// Reads /proc/self/status; throws std::runtime_error when it cannot be read.
ProcessCredentials read_process_credentials();
// One log line: "uid=998 gid=998 groups=0 CapEff=0 CapPrm=0 CapBnd=0 CapAmb=0 no_new_privs=1".
std::string describe(const ProcessCredentials& credentials);

}  // namespace spanwatch::daemon
