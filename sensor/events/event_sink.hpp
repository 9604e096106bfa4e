#pragma once
// Where a parser reports what it saw. Emission is synchronous: every view inside an event is valid
// only during emit(); whoever keeps something copies it into bounded storage.
#include "events/event.hpp"

namespace spanwatch::events {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(const Event& event) = 0;
};

}  // namespace spanwatch::events
