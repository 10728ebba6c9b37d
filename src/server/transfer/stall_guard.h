// StallGuard: wakes a transfer whose peer stopped moving. While it lives, a timer waits for the
// ActivityClock's deadline (re-armed when activity moved it on) and, once the deadline has
// passed, calls `cancel_io`, which aborts the transfer's pending socket operation. A trickle
// is caught where bytes move (TransferEngine checks the clock after every piece); this guard
// catches the peer that sends or takes nothing at all. One timer per transfer, on the
// transfer's I/O worker; the guard must be destroyed on that thread.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "server/transfer/activity_clock.h"

namespace netdisk::server::transfer {

class StallGuard {
 public:
  StallGuard(boost::asio::any_io_executor executor, const ActivityClock& clock,
             std::function<void()> cancel_io);
  ~StallGuard();
  StallGuard(const StallGuard&) = delete;
  StallGuard& operator=(const StallGuard&) = delete;

  // True once the guard cancelled the transfer's I/O.
  bool fired() const noexcept;

  struct State;  // internal: shared with the pending timer handler (stall_guard.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace netdisk::server::transfer
