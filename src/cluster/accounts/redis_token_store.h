// RedisTokenStore: the login tokens of a cluster in Redis, by digest only (the token itself
// never leaves the node that issued it to the client). Keys:
//   netdisk:token:<digest>         "<issued unix s> <expires unix s> <user>", expiring then
//   netdisk:user-tokens:<user key> set of the user's digests (for logout --all), expiring with
//                                  its last token
// and revocations are published on netdisk:revoke as JSON ({"digest": d} or {"user": name,
// "keep": d}). Every call blocks on the network: blocking pool only. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cluster/redis/redis_connection.h"
#include "common/result.h"

namespace netdisk::cluster {

inline constexpr std::string_view kRevokeChannel = "netdisk:revoke";

class RedisTokenStore {
 public:
  using Clock = std::chrono::system_clock;
  explicit RedisTokenStore(RedisClient& redis) : redis_(redis) {}

  struct Entry {
    std::string username;
    Clock::time_point issued;
    Clock::time_point expires;
  };
  // Records a login; Redis drops it at `expires`. Errors: server_busy (Redis unreachable),
  // io_error.
  Status put(const std::string& digest, const Entry& entry);
  // The login of `digest`, or nullopt when Redis has none (never issued, revoked, expired).
  Result<std::optional<Entry>> get(const std::string& digest);
  // Ends one login; returns its user, or nullopt when there was none.
  Result<std::optional<std::string>> remove(const std::string& digest);
  // Ends every login of `username` but `keep_digest`'s (none when empty).
  Status remove_user(std::string_view username, const std::string& keep_digest);
  // Tells every node (RedisTokenBook) to drop what it cached.
  Status publish_revoked_digest(const std::string& digest);
  Status publish_revoked_user(std::string_view username, const std::string& keep_digest);

  // A revocation as published: exactly one of `digest` and `user` is set.
  struct Revocation {
    std::string digest;
    std::string user;
    std::string keep;
  };
  // nullopt for a payload that is not one (logged by the caller, ignored).
  static std::optional<Revocation> parse_revocation(std::string_view payload);

 private:
  RedisClient& redis_;
};

}  // namespace netdisk::cluster
