// RedisTokenBook: the login tokens of a cluster node (cluster mode). Redis holds every login
// (cluster::RedisTokenStore, by digest, with expiry); this node's memory (LoginTokens) is a
// cache of the logins it issued or has been shown, so resuming a known token costs no round
// trip. A revocation is applied to memory first, then removed from Redis and published on
// netdisk:revoke; every node's subscriber (a thread of its own) applies it to its cache and
// moves revocations(), which live TCP sessions check (ops::admit). When the subscription is
// lost and made again, a revocation published meanwhile was missed: every cached login is
// asked of Redis again and those it lacks are dropped. Thread-safe; see TokenBook for what
// blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cluster/accounts/redis_token_store.h"
#include "cluster/redis/redis_connection.h"
#include "cluster/redis/redis_subscriber.h"
#include "server/accounts/token_book.h"

namespace netdisk::server {

class RedisTokenBook final : public TokenBook {
 public:
  RedisTokenBook(std::string redis_address, std::chrono::seconds lifetime,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                 LoginTokens::Now now = &LoginTokens::Clock::now);
  ~RedisTokenBook() override;

  Result<LoginTokens::Issued> issue(const std::string& username) override;
  LoginTokens::Lookup lookup(std::string_view token) override { return cache_.lookup(token); }
  Result<LoginTokens::Lookup> fetch(std::string_view token) override;
  bool shared() const noexcept override { return true; }
  Status revoke(std::string_view token) override;
  Status revoke_user(std::string_view username, std::string_view keep_token = {}) override;
  std::uint64_t revocations() const noexcept override { return revocations_.load(); }
  void set_lifetime(std::chrono::seconds lifetime) override { cache_.set_lifetime(lifetime); }

  // Subscribes to netdisk:revoke; `hook` is told each user whose logins were ended there.
  void start(OnUserRevoked hook) override;
  // Waits until the subscriber listens (tests; start-up logs). Returns whether it does.
  bool wait_subscribed(std::chrono::milliseconds timeout) {
    return subscriber_ && subscriber_->wait_subscribed(timeout);
  }

 private:
  void on_message(const std::string& payload);
  // After each (re)subscription, on the subscriber's thread.
  void recheck_cache();

  LoginTokens::Now now_;
  LoginTokens cache_;
  cluster::RedisClient redis_;
  cluster::RedisTokenStore store_;
  std::atomic<std::uint64_t> revocations_{0};
  OnUserRevoked on_user_revoked_;
  std::string address_;
  std::unique_ptr<cluster::RedisSubscriber> subscriber_;  // last: stopped first
};

}  // namespace netdisk::server
