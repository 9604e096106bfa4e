#pragma once
// A pid file for init systems that want one: written at start (refusing to start when another live
// process holds it), removed at exit when it still holds our pid. After a privilege drop the file
// may no longer be removable; that is logged, not fatal.
#include <string>

namespace spanwatch::daemon {

class PidFile {
 public:
  // Throws std::runtime_error when another running process owns the file or it cannot be written.
  explicit PidFile(std::string path);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;
};

}  // namespace spanwatch::daemon
