// LoginThrottle: slows down password guessing. After a few failed logins for one username or
// from one address, each further attempt must wait for a delay that doubles with every
// failure (up to a cap); an attempt made too early is refused with rate_limited without any
// hashing, so guessing costs the attacker time and the server nothing. A success clears the
// username's record; records are forgotten after a quiet period. Thread-safe (one mutex).
//
// Its memory is bounded whatever peers send: an IPv6 peer is tracked by its /64 prefix (one
// subscriber usually holds a whole /64), and each table holds at most Policy::max_records
// keys; past that, new keys share one overflow record and so are throttled together until
// stale records are forgotten.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace netdisk::server {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Policy {
    unsigned free_failures = 5;                   // failures before any delay
    std::chrono::milliseconds first_delay{1000};  // delay after the first counted failure
    std::chrono::milliseconds max_delay{60000};
    std::chrono::seconds forget_after{900};  // quiet time after which a record is dropped
    std::size_t max_records = 50000;         // per table (usernames, addresses)
  };

  // Where the time comes from: the steady clock, or a clock a test moves by hand.
  using Now = std::function<Clock::time_point()>;

  LoginThrottle() : LoginThrottle(Policy{}) {}
  explicit LoginThrottle(Policy policy, Now now = &Clock::now)
      : policy_(policy), now_(std::move(now)) {}

  // How long the caller must still wait before this attempt is allowed (zero: go ahead).
  // An empty user_key (a name that can never log in) is throttled by its address alone.
  std::chrono::milliseconds wait_before_attempt(std::string_view user_key,
                                                std::string_view address);
  void record_failure(std::string_view user_key, std::string_view address);
  void record_success(std::string_view user_key);

  // Keys currently tracked in both tables (overflow record included): what the memory bound
  // is about.
  std::size_t tracked_records();

  // The delay `failures` failures impose after the last of them (zero below the free ones).
  static std::chrono::milliseconds delay_after(const Policy& policy, unsigned failures);

  // The key an address is tracked under: IPv4 (also IPv4-mapped IPv6) as it is, other IPv6
  // addresses as their /64 prefix ("2001:db8:1:2::/64"); anything unparsable as it is.
  static std::string address_key(std::string_view address);

 private:
  struct Record {
    unsigned failures = 0;
    Clock::time_point last_failure{};
  };
  using Table = std::unordered_map<std::string, Record>;

  std::chrono::milliseconds remaining(const Record& record, Clock::time_point now) const;
  // The record `key` counts against, or null when it has none yet.
  const Record* find(const Table& table, const std::string& key) const;
  // The record a new failure of `key` is counted in: its own, or the shared overflow record
  // when the table is full.
  Record& record_for(Table& table, const std::string& key);
  void forget_stale(Clock::time_point now);

  Policy policy_;
  Now now_;
  std::mutex mutex_;
  Table by_user_;
  Table by_address_;
  Clock::time_point next_cleanup_{};
};

}  // namespace netdisk::server
