// Unit tests of the transfer's activity clock (server/transfer/activity_clock.h) on a hand-driven
// clock: steady transfers keep it at now, a trickle falls behind until it expires, a stall
// expires after the timeout, and time credited for the server's own disk is not the peer's.
#include "server/transfer/activity_clock.h"

#include <gtest/gtest.h>

#include <chrono>

#include "manual_clock.h"

namespace netdisk::server::transfer {
namespace {

using namespace std::chrono_literals;
using test::ManualClock;

constexpr std::uint64_t kMinRate = 1024;

TEST(ActivityClock, AStreamAtTheMinimumRateNeverExpires) {
  ManualClock clock;
  ActivityClock pace(10s, kMinRate, clock.now_function());
  for (int second = 0; second < 1000; ++second) {
    clock.advance(1s);
    pace.note(kMinRate);
    ASSERT_FALSE(pace.expired()) << "at second " << second;
    EXPECT_EQ(pace.activity(), clock.now());
  }
}

TEST(ActivityClock, ATrickleAtHalfTheMinimumExpiresAfterTwiceTheTimeout) {
  ManualClock clock;
  ActivityClock pace(10s, kMinRate, clock.now_function());
  int seconds = 0;
  while (!pace.expired() && seconds < 1000) {
    clock.advance(1s);
    ++seconds;
    pace.note(kMinRate / 2);
  }
  // Half a second behind per second: timeout / (1 - 1/2) = 20 s.
  EXPECT_EQ(seconds, 20);
  EXPECT_EQ(pace.timeout_error().code, Errc::timeout);
}

TEST(ActivityClock, AStallExpiresExactlyAtTheTimeoutAfterTheLastActivity) {
  ManualClock clock;
  ActivityClock pace(10s, kMinRate, clock.now_function());
  pace.note(1 << 20);
  clock.advance(9999ms);
  EXPECT_FALSE(pace.expired());
  clock.advance(1ms);
  EXPECT_TRUE(pace.expired());
  EXPECT_EQ(pace.deadline(), clock.now());
}

TEST(ActivityClock, StartCountsAFreshTimeoutFromNow) {
  ManualClock clock;
  ActivityClock pace(10s, kMinRate, clock.now_function());
  clock.advance(1h);
  EXPECT_TRUE(pace.expired());
  pace.start();
  EXPECT_FALSE(pace.expired());
  EXPECT_EQ(pace.deadline(), clock.now() + 10s);
}

TEST(ActivityClock, CreditedDiskTimeDoesNotCountAgainstThePeerButNeverPassesNow) {
  ManualClock clock;
  ActivityClock pace(10s, kMinRate, clock.now_function());
  clock.advance(8s);  // the server's disk took 8 s
  pace.credit(8s);
  EXPECT_EQ(pace.activity(), clock.now());
  pace.credit(1h);
  EXPECT_EQ(pace.activity(), clock.now());
}

TEST(ActivityClock, WithoutAMinimumRateAnyMovementIsFullActivity) {
  ManualClock clock;
  ActivityClock pace(10s, 0, clock.now_function());
  clock.advance(9s);
  pace.note(1);
  EXPECT_EQ(pace.activity(), clock.now());
  EXPECT_EQ(pace.timeout_error().message, "the stream stopped moving for 10 s");
}

}  // namespace
}  // namespace netdisk::server::transfer
