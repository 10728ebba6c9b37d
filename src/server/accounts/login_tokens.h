// LoginTokens: the logins a client can resume on a later connection by presenting
// the token instead of the password. Only a hash of each token is kept, so a memory dump does
// not hand out logins. Tokens expire after a fixed lifetime and can be revoked. They live
// in memory: a server restart ends them and clients log in again. Thread-safe (one mutex; only
// taken on login, logout and token logins, never per request).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace netdisk::server {

class LoginTokens {
 public:
  using Clock = std::chrono::system_clock;
  // Where the time comes from: the system clock, or a clock a test moves by hand.
  using Now = std::function<Clock::time_point()>;

  explicit LoginTokens(std::chrono::seconds lifetime, Now now = &Clock::now)
      : lifetime_(lifetime), now_(std::move(now)) {}

  struct Issued {
    std::string token;  // 64 hex digits of randomness, shown to the client once
    Clock::time_point expires;
  };
  Issued issue(const std::string& username);

  enum class Check { valid, expired, unknown };
  struct Lookup {
    Check check = Check::unknown;
    std::string username;
  };
  Lookup lookup(std::string_view token);

  void revoke(std::string_view token);
  // Ends every login of a user (for example when an account is removed).
  void revoke_user(std::string_view username);

 private:
  struct Entry {
    std::string username;
    Clock::time_point expires;
  };
  static std::string digest(std::string_view token);
  void drop_expired(Clock::time_point now);

  std::chrono::seconds lifetime_;
  Now now_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // key: digest of the token
  Clock::time_point next_cleanup_{};
};

}  // namespace netdisk::server
