// Each drop runs in a forked child (a dropped process cannot come back); the child checks the
// kernel's view itself and its exit status carries the verdict, with the reason on a pipe.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/capability.h>
#include <linux/if_ether.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "daemon/privileges.hpp"

using namespace spanwatch::daemon;

namespace {

constexpr uid_t nobody_uid = 65534;
constexpr gid_t nogroup_gid = 65534;
constexpr gid_t daemon_gid = 1;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The raw /proc/self/status line for `key`, e.g. "CapEff:\t0000000000000000".
std::string status_line(const std::string& key) {
  std::istringstream in(read_file("/proc/self/status"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return line;
  return "";
}

struct ChildVerdict {
  int exit_code = -1;
  std::string reason;
};

// Runs `check` in a child; it returns "" when every expectation holds, or what went wrong.
ChildVerdict in_child(const std::function<std::string()>& check) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    std::string reason;
    try {
      reason = check();
    } catch (const std::exception& e) {
      reason = std::string("threw: ") + e.what();
    }
    if (!reason.empty() && ::write(pipe_fds[1], reason.data(), reason.size()) < 0) reason += "";
    ::_exit(reason.empty() ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  ChildVerdict verdict;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) verdict.reason.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  verdict.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return verdict;
}

std::string expect_no_capabilities() {
  for (const char* key : {"CapEff", "CapPrm", "CapInh", "CapAmb"})
    if (status_line(key) != std::string(key) + ":\t0000000000000000") return "still holds " + status_line(key);
  if (status_line("NoNewPrivs") != "NoNewPrivs:\t1") return "no_new_privs not set: " + status_line("NoNewPrivs");
  return "";
}

std::string expect_identity(uid_t uid, gid_t gid) {
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  ::getresuid(&ruid, &euid, &suid);
  ::getresgid(&rgid, &egid, &sgid);
  if (ruid != uid || euid != uid || suid != uid) return "uids " + status_line("Uid");
  if (rgid != gid || egid != gid || sgid != gid) return "gids " + status_line("Gid");
  if (::getgroups(0, nullptr) != 0) return "supplementary groups kept: " + status_line("Groups");
  return "";
}

bool can_open_packet_socket() {
  const int fd = ::socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

PrivilegeOptions run_as(std::string user, std::string group = "", bool allow_root = false) {
  PrivilegeOptions options;
  options.user = std::move(user);
  options.group = std::move(group);
  options.allow_root = allow_root;
  return options;
}

bool running_as_root() {
  if (::geteuid() == 0) return true;
  WARN("not root: privilege drop tests skipped");
  return false;
}

}  // namespace

TEST_CASE("dropping from root to nobody resets groups and keeps no capability") {
  if (!running_as_root()) return;
  const ChildVerdict verdict = in_child([] {
    ::setgroups(1, &daemon_gid);  // a supplementary group that must not survive the drop
    if (!can_open_packet_socket()) return std::string("precondition: root cannot open AF_PACKET");
    const DropResult result = drop_privileges(run_as("nobody"));
    if (result.outcome != DropOutcome::dropped) return "outcome " + std::string(name_of(result.outcome));
    if (result.uid != nobody_uid || result.gid != nogroup_gid) return std::string("result names another identity");
    if (auto wrong = expect_identity(nobody_uid, nogroup_gid); !wrong.empty()) return wrong;
    if (auto wrong = expect_no_capabilities(); !wrong.empty()) return wrong;
    if (result.bounding_set_cleared && status_line("CapBnd") != "CapBnd:\t0000000000000000")
      return "bounding set kept: " + status_line("CapBnd");
    if (::setuid(0) == 0) return std::string("could become root again");
    if (can_open_packet_socket()) return std::string("can still open AF_PACKET sockets");
    return std::string();
  });
  INFO(verdict.reason);
  CHECK(verdict.exit_code == 0);
}

TEST_CASE("a configured group replaces the user's primary group") {
  if (!running_as_root()) return;
  const ChildVerdict verdict = in_child([] {
    const DropResult result = drop_privileges(run_as("nobody", "daemon"));
    if (result.gid != daemon_gid) return std::string("result gid is not daemon's");
    if (auto wrong = expect_identity(nobody_uid, daemon_gid); !wrong.empty()) return wrong;
    return expect_no_capabilities();
  });
  INFO(verdict.reason);
  CHECK(verdict.exit_code == 0);
}

TEST_CASE("a process that is not root but holds ambient capabilities loses them all") {
  if (!running_as_root()) return;
  // What systemd sets up with User=spanwatch and AmbientCapabilities=CAP_NET_RAW.
  const ChildVerdict verdict = in_child([] {
    capng_clear(CAPNG_SELECT_BOTH);
    capng_update(CAPNG_ADD, static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE),
                 CAP_NET_RAW);
    if (capng_change_id(nobody_uid, nogroup_gid, CAPNG_DROP_SUPP_GRP) != 0)
      return std::string("precondition: capng_change_id failed");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) != 0)
      return std::string("precondition: cannot raise an ambient capability");
    if (status_line("CapAmb") == "CapAmb:\t0000000000000000" || !can_open_packet_socket())
      return std::string("precondition: CAP_NET_RAW not held");
    const DropResult result = drop_privileges(PrivilegeOptions{});
    if (result.outcome != DropOutcome::capabilities_cleared) return "outcome " + std::string(name_of(result.outcome));
    if (result.uid != nobody_uid) return std::string("result names another user");
    if (auto wrong = expect_identity(nobody_uid, nogroup_gid); !wrong.empty()) return wrong;
    if (auto wrong = expect_no_capabilities(); !wrong.empty()) return wrong;
    if (can_open_packet_socket()) return std::string("can still open AF_PACKET sockets");
    return std::string();
  });
  INFO(verdict.reason);
  CHECK(verdict.exit_code == 0);
}

TEST_CASE("an unprivileged process without capabilities is left as it is") {
  if (!running_as_root()) return;
  const ChildVerdict verdict = in_child([] {
    capng_clear(CAPNG_SELECT_BOTH);
    if (capng_change_id(nobody_uid, nogroup_gid, CAPNG_DROP_SUPP_GRP) != 0)
      return std::string("precondition: capng_change_id failed");
    const DropResult result = drop_privileges(run_as("no-such-user-either"));
    if (result.outcome != DropOutcome::unprivileged) return "outcome " + std::string(name_of(result.outcome));
    if (auto wrong = expect_identity(nobody_uid, nogroup_gid); !wrong.empty()) return wrong;
    return expect_no_capabilities();
  });
  INFO(verdict.reason);
  CHECK(verdict.exit_code == 0);
}

// The lookups fail before anything changes, so these run in the test process itself.
TEST_CASE("a user that does not exist is refused with the ways to fix it") {
  if (!running_as_root()) return;
  REQUIRE_THROWS_WITH(drop_privileges(run_as("spanwatch-no-such-user")),
                      "user spanwatch-no-such-user does not exist: create it (the package does), set run_as.user, "
                      "or run_as.allow_root: true");
  CHECK(::geteuid() == 0);
}

TEST_CASE("a group that does not exist is refused") {
  if (!running_as_root()) return;
  REQUIRE_THROWS_WITH(drop_privileges(run_as("nobody", "spanwatch-no-such-group")),
                      Catch::StartsWith("group spanwatch-no-such-group does not exist: create it, set run_as.group"));
  CHECK(::geteuid() == 0);
}

TEST_CASE("naming root as the user needs allow_root") {
  if (!running_as_root()) return;
  REQUIRE_THROWS_WITH(drop_privileges(run_as("root")),
                      Catch::StartsWith("run_as.user root is root (uid 0)") &&
                          Catch::Contains("run_as.allow_root: true"));
}

TEST_CASE("allow_root keeps root and every capability") {
  if (!running_as_root()) return;
  const std::string capabilities_before = status_line("CapEff");
  const DropResult result = drop_privileges(run_as("nobody", "", true));
  CHECK(result.outcome == DropOutcome::kept_root);
  CHECK(::geteuid() == 0);
  CHECK(status_line("CapEff") == capabilities_before);
}

TEST_CASE("handing over a directory gives it and its own files to the user, never what links point to") {
  if (!running_as_root()) return;
  char pattern[] = "/tmp/spanwatch-privileges-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::filesystem::path root(pattern);
  const auto logs = root / "logs";
  std::filesystem::create_directory(logs);
  std::ofstream(logs / "eve.json") << "{}\n";
  std::ofstream(root / "elsewhere") << "secret\n";
  std::ofstream(root / "linked") << "secret\n";
  std::filesystem::create_symlink(root / "elsewhere", logs / "symlink.json");
  std::filesystem::create_hard_link(root / "linked", logs / "hardlink.json");

  hand_over_directory(logs.string(), run_as("nobody"));

  auto owner = [](const std::filesystem::path& p) {
    struct stat info {};
    ::lstat(p.c_str(), &info);
    return std::make_pair(info.st_uid, info.st_gid);
  };
  const auto handed = std::make_pair(nobody_uid, nogroup_gid);
  const auto kept = std::make_pair(uid_t{0}, gid_t{0});
  CHECK(owner(logs) == handed);
  CHECK(owner(logs / "eve.json") == handed);
  CHECK(owner(logs / "symlink.json") == kept);
  CHECK(owner(root / "elsewhere") == kept);
  CHECK(owner(root / "linked") == kept);
  std::filesystem::remove_all(root);
}

TEST_CASE("handing over a directory that does not exist says which") {
  if (!running_as_root()) return;
  REQUIRE_THROWS_WITH(hand_over_directory("/nonexistent/spanwatch-logs", run_as("nobody")),
                      "cannot open /nonexistent/spanwatch-logs: No such file or directory");
}
