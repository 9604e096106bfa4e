#pragma once
// The one error capture throws, and only while opening a source: one line naming the file or
// interface and libpcap's reason. dispatch() never throws; it reports DispatchStatus::error.
#include <stdexcept>

namespace spanwatch::capture {

class CaptureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace spanwatch::capture
