// LoginThrottle: slows down password guessing. After a few failed logins for one username or
// from one address, each further attempt must wait for a delay that doubles with every
// failure (up to a cap); an attempt made too early is refused with rate_limited without any
// hashing, so guessing costs the attacker time and the server nothing. A success clears the
// username's record; records are forgotten after a quiet period. Thread-safe (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace netdisk::server {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Policy {
    unsigned free_failures = 5;                    // failures before any delay
    std::chrono::milliseconds first_delay{1000};   // delay after the first counted failure
    std::chrono::milliseconds max_delay{60000};
    std::chrono::seconds forget_after{900};        // quiet time after which a record is dropped
  };

  LoginThrottle() : LoginThrottle(Policy{}) {}
  explicit LoginThrottle(Policy policy) : policy_(policy) {}

  // How long the caller must still wait before this attempt is allowed (zero: go ahead).
  std::chrono::milliseconds wait_before_attempt(std::string_view user_key,
                                                std::string_view address);
  void record_failure(std::string_view user_key, std::string_view address);
  void record_success(std::string_view user_key);

 private:
  struct Record {
    unsigned failures = 0;
    Clock::time_point last_failure{};
  };
  std::chrono::milliseconds remaining(const Record& record, Clock::time_point now) const;
  void forget_stale(Clock::time_point now);

  Policy policy_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> by_user_;
  std::unordered_map<std::string, Record> by_address_;
  Clock::time_point next_cleanup_{};
};

}  // namespace netdisk::server
