#include "server/transfer/activity_clock.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "server/stream_pace.h"

namespace netdisk::server::transfer {

ActivityClock::ActivityClock(SteadyClock::duration timeout, std::uint64_t min_bytes_per_second,
                             Now clock)
    : timeout_(timeout),
      min_rate_(min_bytes_per_second),
      now_(std::move(clock)),
      activity_(now_()) {}

void ActivityClock::start() { activity_ = now_(); }

void ActivityClock::note(std::uint64_t bytes) {
  activity_ = paced_activity(activity_, bytes, min_rate_, now_());
}

void ActivityClock::credit(SteadyClock::duration spent) {
  activity_ = std::min(activity_ + spent, now_());
}

Error ActivityClock::timeout_error() const {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout_).count();
  if (min_rate_ == 0) {
    return make_error(Errc::timeout, fmt::format("the stream stopped moving for {} s", seconds));
  }
  return make_error(Errc::timeout,
                    fmt::format("the stream stopped moving for {} s or averaged under the "
                                "server's minimum of {} bytes a second",
                                seconds, min_rate_));
}

}  // namespace netdisk::server::transfer
