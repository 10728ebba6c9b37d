#include "server/stream_pace.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace netdisk::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kMinRate = 1024;
constexpr auto kTimeout = 10s;

// Feeds `bytes_per_second` once a second from t = 0 and returns the first whole second at
// which the deadline (activity clock + kTimeout) has passed, or -1 if it never did by `limit`.
int seconds_until_timeout(std::uint64_t bytes_per_second, int limit) {
  const auto start = Clock::time_point{} + 1000h;
  auto activity = start;
  for (int t = 1; t <= limit; ++t) {
    auto now = start + std::chrono::seconds(t);
    if (now >= activity + kTimeout) return t;
    activity = paced_activity(activity, bytes_per_second, kMinRate, now);
  }
  return -1;
}

TEST(PacedActivity, ATransferAtOrAboveTheMinimumNeverTimesOut) {
  EXPECT_EQ(seconds_until_timeout(kMinRate, 10000), -1);
  EXPECT_EQ(seconds_until_timeout(100 * kMinRate, 10000), -1);
}

TEST(PacedActivity, AStalledTransferTimesOutAfterTheTimeout) {
  EXPECT_EQ(seconds_until_timeout(0, 10000), 10);
}

TEST(PacedActivity, ATrickleTimesOutAfterTheTimeoutStretchedByItsShareOfTheMinimum) {
  // One byte a second is worth almost nothing: about the plain timeout.
  EXPECT_EQ(seconds_until_timeout(1, 10000), 11);
  // A fraction f of the minimum: the clock falls behind by (1 - f) of every second, so the
  // deadline passes after timeout / (1 - f); one second earlier here, since this simulation
  // checks each second before feeding it: (timeout - f) / (1 - f).
  EXPECT_EQ(seconds_until_timeout(kMinRate / 2, 10000), 19);       // f = 0.5: 20 s
  EXPECT_EQ(seconds_until_timeout(kMinRate * 9 / 10, 10000), 91);  // f = 0.9: 100 s
}

TEST(PacedActivity, ABurstEarnsNoCreditBeyondNowSoAStallAfterItTimesOutOnTime) {
  const auto start = Clock::time_point{} + 1000h;
  auto activity = paced_activity(start - 5s, 1'000'000'000, kMinRate, start);
  EXPECT_EQ(activity, start);
}

TEST(PacedActivity, NoBytesLeaveTheClockWhereItWas) {
  const auto start = Clock::time_point{} + 1000h;
  EXPECT_EQ(paced_activity(start, 0, kMinRate, start + 5s), start);
}

TEST(PacedActivity, PiecesAreCreditedByWhatTheyAreWorthAtTheMinimum) {
  const auto start = Clock::time_point{} + 1000h;
  // 512 bytes at 1024 bytes a second are worth half a second.
  EXPECT_EQ(paced_activity(start, 512, kMinRate, start + 5s), start + 500ms);
}

TEST(PacedActivity, AMinimumOfZeroLetsAnyMovementCountInFull) {
  const auto start = Clock::time_point{} + 1000h;
  EXPECT_EQ(paced_activity(start, 1, 0, start + 5s), start + 5s);
  EXPECT_EQ(paced_activity(start, 0, 0, start + 5s), start);
}

TEST(PacedActivity, HugeCountsAndRatesDoNotOverflow) {
  const auto start = Clock::time_point{} + 1000h;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(paced_activity(start, kMax, 1, start + 5s), start + 5s);
  EXPECT_EQ(paced_activity(start, 1, kMax, start + 5s), start);
}

}  // namespace
}  // namespace netdisk::server
