// ThrottleStore: where AccountService counts failed logins (LoginThrottle's rules: a delay
// that doubles after a few failures per username and per address). LocalThrottleStore is the
// node's own in-memory LoginThrottle, unchanged; in cluster mode RedisThrottleStore
// (server/cluster/redis_throttle.h) counts in Redis, so failures through one node slow down
// guesses through every node. Calls are coroutines on the caller's I/O thread and never block
// it. Owned by AccountService; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "server/accounts/login_throttle.h"

namespace netdisk::server {

class ThrottleStore {
 public:
  virtual ~ThrottleStore() = default;
  // As LoginThrottle's calls of the same names.
  virtual boost::asio::awaitable<std::chrono::milliseconds> wait_before_attempt(
      const std::string& user_key, const std::string& address) = 0;
  virtual boost::asio::awaitable<void> record_failure(const std::string& user_key,
                                                      const std::string& address) = 0;
  virtual boost::asio::awaitable<void> record_success(const std::string& user_key) = 0;
};

// The single-machine throttle: each call is LoginThrottle's plain call (it never waits).
class LocalThrottleStore final : public ThrottleStore {
 public:
  explicit LocalThrottleStore(LoginThrottle::Policy policy,
                              LoginThrottle::Now now = &LoginThrottle::Clock::now)
      : throttle_(policy, std::move(now)) {}

  boost::asio::awaitable<std::chrono::milliseconds> wait_before_attempt(
      const std::string& user_key, const std::string& address) override;
  boost::asio::awaitable<void> record_failure(const std::string& user_key,
                                              const std::string& address) override;
  boost::asio::awaitable<void> record_success(const std::string& user_key) override;

 private:
  LoginThrottle throttle_;
};

}  // namespace netdisk::server
