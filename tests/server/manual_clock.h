// ManualClock: a steady clock that moves only when a test says so, for the injectable Now of
// server/clock.h. Single-threaded: read and advanced on the test's thread.
#pragma once

#include <chrono>

#include "server/clock.h"

namespace netdisk::server::test {

class ManualClock {
 public:
  TimePoint now() const noexcept { return now_; }
  void advance(SteadyClock::duration by) noexcept { now_ += by; }
  // A Now reading this clock; valid while the clock lives.
  Now now_function() {
    return [this] { return now_; };
  }

 private:
  // Far from the epoch, so that times before "now" are never negative.
  TimePoint now_ = TimePoint{} + std::chrono::hours(1000);
};

}  // namespace netdisk::server::test
