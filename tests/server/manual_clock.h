// ManualClock: a steady clock that moves only when a test says so, for the injectable Now of
// transfer/clock.h. Single-threaded: read and advanced on the test's thread.
#pragma once

#include <chrono>

#include "server/transfer/clock.h"

namespace netdisk::server::test {

class ManualClock {
 public:
  transfer::TimePoint now() const noexcept { return now_; }
  void advance(transfer::SteadyClock::duration by) noexcept { now_ += by; }
  // A Now reading this clock; valid while the clock lives.
  transfer::Now now_function() {
    return [this] { return now_; };
  }

 private:
  // Far from the epoch, so that times before "now" are never negative.
  transfer::TimePoint now_ = transfer::TimePoint{} + std::chrono::hours(1000);
};

}  // namespace netdisk::server::test
