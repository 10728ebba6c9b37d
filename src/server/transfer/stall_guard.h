// StallGuard: wakes a transfer whose peer stopped moving. While it lives, it is one of its
// worker's deadlines (server/deadlines.h): when the sweep finds the ActivityClock's deadline
// passed, it calls `cancel_io`, which aborts the transfer's pending socket operation. A
// trickle is caught where bytes move (TransferEngine checks the clock after every piece);
// this guard catches the peer that sends or takes nothing at all. Worker thread only.
#pragma once

#include <functional>

#include "server/deadlines.h"
#include "server/transfer/activity_clock.h"

namespace netdisk::server::transfer {

class StallGuard final : public Timed {
 public:
  StallGuard(Deadlines& deadlines, const ActivityClock& clock, std::function<void()> cancel_io)
      : clock_(clock), cancel_io_(std::move(cancel_io)), entry_(deadlines, this) {}
  StallGuard(const StallGuard&) = delete;
  StallGuard& operator=(const StallGuard&) = delete;

  // True once the guard cancelled the transfer's I/O.
  bool fired() const noexcept { return fired_; }

  void check_deadline(TimePoint now) override {
    if (fired_ || now < clock_.deadline()) return;
    fired_ = true;
    cancel_io_();
  }

 private:
  const ActivityClock& clock_;
  std::function<void()> cancel_io_;
  bool fired_ = false;
  DeadlineEntry entry_;
};

}  // namespace netdisk::server::transfer
