// RedisThrottleStore: cluster mode's login throttle (issue #22). LoginThrottle's rules over
// counters in Redis (netdisk:throttle:user:<name key> and netdisk:throttle:addr:<address
// key>, a hash of failures and the last one's wall-clock time, expiring after the policy's
// quiet period), so failed logins through any node delay the next attempt through every node.
// Redis calls run on the blocking pool (RedisClient blocks). If Redis does not answer, the
// node's own in-memory LoginThrottle (which counts every attempt it sees, always) decides
// alone until Redis is back: guessing stays slowed per node, and the change is logged both
// ways (docs/SECURITY.md). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "cluster/redis/redis_connection.h"
#include "server/accounts/login_throttle.h"
#include "server/accounts/throttle_store.h"
#include "server/clock.h"

namespace netdisk::server {

class RedisThrottleStore final : public ThrottleStore {
 public:
  RedisThrottleStore(std::string redis_address, boost::asio::thread_pool& blocking,
                     LoginThrottle::Policy policy, WallNow wall = &wall_now,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  boost::asio::awaitable<std::chrono::milliseconds> wait_before_attempt(
      const std::string& user_key, const std::string& address) override;
  boost::asio::awaitable<void> record_failure(const std::string& user_key,
                                              const std::string& address) override;
  boost::asio::awaitable<void> record_success(const std::string& user_key) override;

  // Whether the last Redis call failed (the node's own throttle is deciding alone).
  bool degraded() const noexcept { return degraded_.load(); }

 private:
  // Blocking, on the blocking pool. nullopt / false: Redis did not answer.
  std::optional<std::chrono::milliseconds> shared_wait(const std::string& user_key,
                                                       const std::string& address);
  bool shared_failure(const std::string& user_key, const std::string& address);
  bool shared_success(const std::string& user_key);
  // Logs when Redis stops or starts answering again.
  void note(bool answered);
  std::int64_t wall_ms() const;

  cluster::RedisClient redis_;
  boost::asio::thread_pool& blocking_;
  const LoginThrottle::Policy policy_;
  WallNow wall_;
  LoginThrottle fallback_;
  std::atomic<bool> degraded_{false};
};

}  // namespace netdisk::server
