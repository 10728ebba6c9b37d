// The time rules of accounts, on clocks the test moves by hand instead of sleeping: a session
// token expires exactly at its lifetime, and the login throttle's delay doubles per failure,
// stops at its cap, and is forgotten after a quiet period.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/accounts/login_throttle.h"
#include "server/accounts/login_tokens.h"

namespace netdisk::server {
namespace {

using namespace std::chrono_literals;

// A clock that stands still until the test advances it.
template <class Clock>
struct ManualClock {
  typename Clock::time_point now = typename Clock::time_point(1000h);
  std::function<typename Clock::time_point()> reader() {
    return [this] { return now; };
  }
};

TEST(SessionTokensClock, ATokenIsValidUntilItsLifetimeEndsAndThenExpiredOnce) {
  ManualClock<LoginTokens::Clock> clock;
  LoginTokens tokens(60s, clock.reader());
  auto issued = tokens.issue("alice").value();
  EXPECT_EQ(issued.expires, clock.now + 60s);
  clock.now += 59s;
  auto lookup = tokens.lookup(issued.token);
  EXPECT_EQ(lookup.check, LoginTokens::Check::valid);
  EXPECT_EQ(lookup.username, "alice");
  clock.now += 1s;
  EXPECT_EQ(tokens.lookup(issued.token).check, LoginTokens::Check::expired);
  // An expired token is forgotten: asked again, it is unknown.
  EXPECT_EQ(tokens.lookup(issued.token).check, LoginTokens::Check::unknown);
}

TEST(SessionTokensClock, RevokingEndsOneTokenOrEveryTokenOfAUser) {
  ManualClock<LoginTokens::Clock> clock;
  LoginTokens tokens(60s, clock.reader());
  auto first = *tokens.issue("alice");
  auto second = *tokens.issue("alice");
  auto other = *tokens.issue("bob");
  tokens.revoke(first.token);
  EXPECT_EQ(tokens.lookup(first.token).check, LoginTokens::Check::unknown);
  EXPECT_EQ(tokens.lookup(second.token).check, LoginTokens::Check::valid);
  tokens.revoke_user("alice");
  EXPECT_EQ(tokens.lookup(second.token).check, LoginTokens::Check::unknown);
  EXPECT_EQ(tokens.lookup(other.token).check, LoginTokens::Check::valid);
}

LoginThrottle::Policy policy() {
  LoginThrottle::Policy policy;
  policy.free_failures = 2;
  policy.first_delay = 1s;
  policy.max_delay = 5s;
  policy.forget_after = 60s;
  return policy;
}

TEST(LoginThrottleClock, TheDelayDoublesWithEachFailureUpToItsCap) {
  ManualClock<LoginThrottle::Clock> clock;
  LoginThrottle throttle(policy(), clock.reader());
  throttle.record_failure("alice", "10.0.0.1");
  throttle.record_failure("alice", "10.0.0.1");
  EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.2"), 1000ms);
  clock.now += 400ms;
  EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.2"), 600ms);
  clock.now += 600ms;
  EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.2"), 0ms);
  const std::chrono::milliseconds expected[] = {2000ms, 4000ms, 5000ms, 5000ms};
  for (auto delay : expected) {
    throttle.record_failure("alice", "10.0.0.1");
    EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.2"), delay);
  }
}

TEST(LoginThrottleClock, AQuietPeriodForgetsTheFailures) {
  ManualClock<LoginThrottle::Clock> clock;
  LoginThrottle throttle(policy(), clock.reader());
  for (int i = 0; i < 4; ++i) throttle.record_failure("alice", "10.0.0.1");
  EXPECT_GT(throttle.wait_before_attempt("alice", "10.0.0.1"), 0ms);
  EXPECT_EQ(throttle.tracked_records(), 2u);
  clock.now += 61s;
  EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.1"), 0ms);
  EXPECT_EQ(throttle.tracked_records(), 0u);
  // Counting starts again from nothing: the free failures are free again.
  throttle.record_failure("alice", "10.0.0.1");
  EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.1"), 0ms);
}

}  // namespace
}  // namespace netdisk::server
