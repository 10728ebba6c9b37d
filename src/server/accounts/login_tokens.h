// LoginTokens: the logins a client can resume on a later connection by presenting the token
// instead of the password, in memory. Only a digest of each token is kept, so neither a memory
// dump nor the sessions file hands out logins. Tokens expire after a fixed lifetime and can be
// revoked; the number kept is bounded per user and in total. SessionBook (session_book.h)
// makes them durable. Thread-safe (one mutex; only taken on login, logout and token logins,
// never per request).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "storage/session_file.h"

namespace netdisk::server {

class LoginTokens {
 public:
  using Clock = std::chrono::system_clock;
  // Where the time comes from: the system clock, or a clock a test moves by hand.
  using Now = std::function<Clock::time_point()>;

  // The bounds that keep the sessions file small (docs/SECURITY.md): a user's oldest login
  // gives way to a new one past kMaxPerUser; past kMaxTotal new logins are refused.
  static constexpr std::size_t kMaxPerUser = 32;
  static constexpr std::size_t kMaxTotal = 20000;

  explicit LoginTokens(std::chrono::seconds lifetime, Now now = &Clock::now)
      : lifetime_(lifetime), now_(std::move(now)) {}

  struct Issued {
    std::string token;  // 64 hex digits of randomness, shown to the client once
    Clock::time_point expires;
  };
  // Errors: server_busy when kMaxTotal unexpired logins exist.
  Result<Issued> issue(const std::string& username);

  enum class Check { valid, expired, unknown };
  struct Lookup {
    Check check = Check::unknown;
    std::string username;
    Clock::time_point issued{};  // for a valid token
  };
  Lookup lookup(std::string_view token);

  // The lifetime of tokens issued from now on (a reload of --session-ttl); issued ones keep
  // theirs.
  void set_lifetime(std::chrono::seconds lifetime) { lifetime_.store(lifetime); }

  // Each returns whether anything was removed.
  bool revoke(std::string_view token);
  // Ends every login of a user but the one of `keep_token` (none when empty).
  bool revoke_user(std::string_view username, std::string_view keep_token = {});

  // The same by digest, for logins known by their digest only (cluster mode: a login issued
  // by another node, fetched from or revoked through Redis).
  void remember(std::string digest, std::string username, Clock::time_point issued,
                Clock::time_point expires);
  bool revoke_digest(std::string_view digest);
  bool revoke_user_but_digest(std::string_view username, std::string_view keep_digest);
  // Forgets every login (cluster mode: the memory is only a cache of Redis).
  void clear();

  // The unexpired logins, for the store; expired ones are dropped on the way.
  std::vector<storage::SessionRecord> snapshot();
  // Replaces every login with `records` (from the store at start-up); expired ones, and those
  // past the bounds (the oldest go first), are left out. Returns how many were left out.
  std::size_t restore(std::vector<storage::SessionRecord> records);
  std::size_t size();

  // The digest a token is stored under: BLAKE2b-256, in 64 lowercase hex digits.
  static std::string digest(std::string_view token);

 private:
  struct Entry {
    std::string username;
    Clock::time_point issued;
    Clock::time_point expires;
  };
  using Entries = std::unordered_map<std::string, Entry>;  // key: digest of the token
  // Inserts, dropping the user's oldest login when it has kMaxPerUser already.
  void insert(std::string key, Entry entry);
  void drop_expired(Clock::time_point now);

  std::atomic<std::chrono::seconds> lifetime_;
  Now now_;
  std::mutex mutex_;
  Entries entries_;
  std::unordered_map<std::string, std::size_t> per_user_;  // username -> logins in entries_
  Clock::time_point next_cleanup_{};
};

}  // namespace netdisk::server
