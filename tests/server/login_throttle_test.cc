#include "server/accounts/login_throttle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace netdisk::server {
namespace {

using namespace std::chrono_literals;

LoginThrottle::Policy small_policy() {
  LoginThrottle::Policy policy;
  policy.free_failures = 3;
  policy.first_delay = 60s;
  policy.max_records = 100;
  return policy;
}

TEST(LoginThrottle, AUserIsSlowedDownAfterTheFreeFailuresAndASuccessClearsIt) {
  LoginThrottle throttle(small_policy());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0." + std::to_string(i)), 0ms);
    throttle.record_failure("alice", "10.0.0." + std::to_string(i));
  }
  EXPECT_GT(throttle.wait_before_attempt("alice", "10.0.0.9"), 0ms);
  EXPECT_EQ(throttle.wait_before_attempt("bob", "10.0.0.9"), 0ms);
  throttle.record_success("alice");
  EXPECT_EQ(throttle.wait_before_attempt("alice", "10.0.0.9"), 0ms);
}

TEST(LoginThrottle, AnEmptyUserKeyIsThrottledByItsAddressAlone) {
  LoginThrottle throttle(small_policy());
  for (int i = 0; i < 3; ++i) throttle.record_failure("", "10.0.0.1");
  EXPECT_GT(throttle.wait_before_attempt("", "10.0.0.1"), 0ms);
  EXPECT_EQ(throttle.wait_before_attempt("", "10.0.0.2"), 0ms);
  EXPECT_EQ(throttle.tracked_records(), 1u);  // the address; no record for the empty name
}

// Regression guard: the tables once grew by one record for every new name or address a peer
// sent, without bound. Past max_records new keys share one overflow record instead.
TEST(LoginThrottle, FailuresForEndlesslyNewNamesAndAddressesKeepTheTablesBounded) {
  LoginThrottle throttle(small_policy());
  for (int i = 0; i < 10000; ++i) {
    std::string n = std::to_string(i);
    throttle.record_failure("user" + n, "10." + std::to_string(i / 256 % 256) + ".0." +
                                            std::to_string(i % 256));
  }
  EXPECT_LE(throttle.tracked_records(), 2 * (100u + 1));
  // The keys that overflowed are throttled together: a brand-new one must wait as well...
  EXPECT_GT(throttle.wait_before_attempt("newcomer", "10.200.0.1"), 0ms);
  // ...while the keys that got a record of their own keep their own count.
  EXPECT_EQ(throttle.wait_before_attempt("user0", "10.0.0.0"), 0ms);
}

TEST(LoginThrottle, OneIpv6SlashSixtyFourIsOneAddress) {
  LoginThrottle throttle(small_policy());
  for (int i = 0; i < 3; ++i) {
    throttle.record_failure("", "2001:db8:1:2:" + std::to_string(i) + "::" + std::to_string(i));
  }
  EXPECT_GT(throttle.wait_before_attempt("", "2001:db8:1:2:ffff:ffff:ffff:ffff"), 0ms);
  EXPECT_EQ(throttle.wait_before_attempt("", "2001:db8:1:3::1"), 0ms);
  EXPECT_EQ(throttle.tracked_records(), 1u);
}

TEST(LoginThrottle, AddressKeysKeepIpv4WholeAndCutIpv6ToItsPrefix) {
  EXPECT_EQ(LoginThrottle::address_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(LoginThrottle::address_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(LoginThrottle::address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::address_key("::1"), "::/64");
  EXPECT_EQ(LoginThrottle::address_key("?"), "?");
}

}  // namespace
}  // namespace netdisk::server
