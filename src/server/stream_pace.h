// The minimum-rate rule for file data in flight, as a pure function of times: the TCP
// protocol's raw byte streams and the HTTP side's file bodies both apply it through the
// transfer engine's ActivityClock (transfer/activity_clock.h).
//
// A transfer's timeout is counted from an activity clock. Every piece of data that moves
// advances that clock by the time the piece is worth at the minimum rate, never past now. So:
//  - a transfer at least as fast as the minimum keeps the clock at now and the whole timeout
//    ahead of it, however long one read or write of a large buffer takes;
//  - one that trickles at a fraction f of the minimum falls behind by (1 - f) of every second
//    and times out after timeout / (1 - f): a client sending a byte now and then (slowloris)
//    cannot hold a connection for ever, yet a short dip below the minimum is absorbed;
//  - a transfer that stops moving times out after the timeout.
// A minimum of 0 turns the rule off: any movement counts as full activity.
#pragma once

#include <chrono>
#include <cstdint>

namespace netdisk::server {

inline std::chrono::steady_clock::time_point paced_activity(
    std::chrono::steady_clock::time_point activity, std::uint64_t bytes,
    std::uint64_t min_bytes_per_second, std::chrono::steady_clock::time_point now) noexcept {
  if (bytes == 0) return activity;
  if (min_bytes_per_second == 0 || activity >= now) return now;
  // In double seconds: bytes / rate cannot overflow a clock duration this way.
  double worth = static_cast<double>(bytes) / static_cast<double>(min_bytes_per_second);
  if (worth >= std::chrono::duration<double>(now - activity).count()) return now;
  return activity + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(worth));
}

}  // namespace netdisk::server
