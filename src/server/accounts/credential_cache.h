// CredentialCache: passwords that passed a full Argon2id verification a moment ago, so clients
// that send HTTP Basic credentials on every request (curl loops, rclone, WebDAV) cost a keyed
// hash and a lookup instead of tens of milliseconds of hashing. Neither passwords nor unkeyed
// hashes are kept: an entry's key is BLAKE2b, keyed with a random per-process key, of user and
// password. Owned by AccountService; thread-safe (one mutex, held for a lookup or an insert).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace netdisk::server {

class CredentialCache {
 public:
  using Clock = std::chrono::steady_clock;
  // Where the time comes from: the steady clock, or a clock a test moves by hand.
  using Now = std::function<Clock::time_point()>;

  struct Policy {
    std::chrono::seconds ttl{300};   // from the verification, never extended by a hit; 0: off
    std::size_t max_entries = 4096;  // past this the oldest entry is dropped
  };

  explicit CredentialCache(Policy policy, Now now = &Clock::now);
  ~CredentialCache();
  CredentialCache(const CredentialCache&) = delete;
  CredentialCache& operator=(const CredentialCache&) = delete;

  // True when `password` was remembered for `user_key` within the TTL, verified against
  // exactly `stored_hash` (the hash the registry holds now). An entry whose stored hash has
  // changed since, or that has expired, is dropped. Always false when the cache is off.
  bool verified(std::string_view user_key, std::string_view password, std::string_view stored_hash);

  // Remembers a password that Argon2id just accepted against `stored_hash`. Only call it
  // after a successful verification: failures are never cached.
  void remember(std::string_view user_key, std::string_view password, std::string_view stored_hash);

  // Drops every entry of a user (password change, account removal, logout everywhere).
  void forget_user(std::string_view user_key);
  void clear();

  bool enabled() const noexcept { return ttl_.load().count() > 0 && policy_.max_entries > 0; }
  // A new TTL (a reload of --credential-cache-ttl): every entry is forgotten, so none outlives
  // the new TTL, and the next check of each password runs Argon2id once.
  void set_ttl(std::chrono::seconds ttl);
  std::size_t size();

  // The keyed digest an entry of (user, password) is found by; also what concurrent
  // verifications of the same credentials meet at (verification_flights.h).
  using Digest = std::array<unsigned char, 32>;
  struct DigestHash {
    std::size_t operator()(const Digest& digest) const noexcept;
  };
  Digest credentials_digest(std::string_view user_key, std::string_view password) const;

 private:
  struct Entry {
    std::string user_key;  // for forget_user; the name is not secret
    Digest stored_hash;    // keyed digest of the stored Argon2id string it was verified against
    Clock::time_point expires;
    std::list<Digest>::iterator age;  // position in oldest_first_
  };

  Digest keyed_digest(std::string_view text) const;
  void erase(std::unordered_map<Digest, Entry, DigestHash>::iterator it);

  const Policy policy_;
  std::atomic<std::chrono::seconds> ttl_;  // policy_.ttl until set_ttl()
  const Now now_;
  std::array<unsigned char, 32> key_{};  // random per process, wiped on destruction
  std::mutex mutex_;
  std::unordered_map<Digest, Entry, DigestHash> entries_;
  std::list<Digest> oldest_first_;  // insertion order, for eviction
};

}  // namespace netdisk::server
