#include "daemon/pid_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace spanwatch::daemon {
namespace {

pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

}  // namespace

PidFile::PidFile(std::string path) : path_(std::move(path)) {
  const pid_t other = read_pid(path_);
  if (other != 0 && other != getpid() && (::kill(other, 0) == 0 || errno == EPERM))
    throw std::runtime_error("pid file " + path_ + " belongs to running process " + std::to_string(other));
  const std::string temporary = path_ + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write pid file " + path_ + ": " + std::strerror(errno));
  const std::string text = std::to_string(getpid()) + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  // Renamed into place so a reader never sees a half-written file.
  if (!written || ::rename(temporary.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot write pid file " + path_ + ": " + std::strerror(error));
  }
}

PidFile::~PidFile() {
  if (read_pid(path_) != getpid()) return;
  if (::unlink(path_.c_str()) != 0) spdlog::warn("cannot remove pid file {}: {}", path_, std::strerror(errno));
}

}  // namespace spanwatch::daemon
