// ActivityClock: the one timeout rule for file data in flight, on the TCP protocol's raw
// streams and on HTTP file bodies alike. It keeps the time of the transfer's last activity;
// each piece of data that moves advances it by what the piece is worth at --min-stream-rate
// (server/stream_pace.h has the rule and why), and the transfer has timed out once `timeout`
// has passed since. Reads time through an injectable Now (server/clock.h). Used on one
// thread: the transfer's I/O worker.
#pragma once

#include <chrono>
#include <cstdint>

#include "common/result.h"
#include "server/clock.h"

namespace netdisk::server::transfer {

class ActivityClock {
 public:
  // `min_bytes_per_second` 0 turns the rate rule off: any movement is full activity.
  ActivityClock(SteadyClock::duration timeout, std::uint64_t min_bytes_per_second,
                Now clock = &steady_now);

  // Starts counting from now (a transfer begins, or a whole frame arrived).
  void start();
  // `bytes` moved: the activity time advances by what they are worth at the minimum rate.
  void note(std::uint64_t bytes);
  // Time the server spent on its own disk, which does not count against the peer.
  void credit(SteadyClock::duration spent);

  TimePoint activity() const noexcept { return activity_; }
  TimePoint deadline() const noexcept { return activity_ + timeout_; }
  TimePoint now() const { return now_(); }
  bool expired() const { return now() >= deadline(); }
  SteadyClock::duration timeout() const noexcept { return timeout_; }

  // The error a transfer that timed out reports (Errc::timeout).
  Error timeout_error() const;

 private:
  SteadyClock::duration timeout_;
  std::uint64_t min_rate_;
  Now now_;
  TimePoint activity_;
};

}  // namespace netdisk::server::transfer
