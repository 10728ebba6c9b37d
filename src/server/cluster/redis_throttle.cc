#include "server/cluster/redis_throttle.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "server/blocking.h"
#include "server/logging/component_log.h"

namespace netdisk::server {
namespace {

namespace asio = boost::asio;

// One failure for each key given: count it, date it, and restart its quiet period, atomically.
constexpr const char* kCountFailure = R"lua(
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'f', 1)
  redis.call('HSET', key, 't', ARGV[1])
  redis.call('PEXPIRE', key, ARGV[2])
end
return #KEYS
)lua";

std::string user_key_of(const std::string& user_key) { return "netdisk:throttle:user:" + user_key; }

std::string address_key_of(const std::string& address) {
  return "netdisk:throttle:addr:" + LoginThrottle::address_key(address);
}

std::int64_t number(const cluster::RedisValue& value) {
  std::int64_t out = 0;
  if (value.kind != cluster::RedisValue::Kind::string) return 0;
  std::from_chars(value.text.data(), value.text.data() + value.text.size(), out);
  return out;
}

}  // namespace

RedisThrottleStore::RedisThrottleStore(std::string redis_address, asio::thread_pool& blocking,
                                       LoginThrottle::Policy policy, WallNow wall,
                                       std::chrono::milliseconds timeout)
    : redis_(std::move(redis_address), timeout),
      blocking_(blocking),
      policy_(policy),
      wall_(std::move(wall)),
      fallback_(policy) {}

std::int64_t RedisThrottleStore::wall_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(wall_().time_since_epoch()).count();
}

void RedisThrottleStore::note(bool answered) {
  bool was_degraded = degraded_.exchange(!answered);
  if (was_degraded == !answered) return;
  auto& log = log_of(LogComponent::accounts);
  if (answered) {
    log.info("login throttle: Redis answers again; failed logins count on every node");
  } else {
    log.warn(
        "login throttle: Redis does not answer; failed logins count on this node only "
        "until it does");
  }
}

std::optional<std::chrono::milliseconds> RedisThrottleStore::shared_wait(
    const std::string& user_key, const std::string& address) {
  std::vector<std::string> keys{address_key_of(address)};
  if (!user_key.empty()) keys.push_back(user_key_of(user_key));
  auto now = wall_ms();
  std::chrono::milliseconds wait{0};
  for (const auto& key : keys) {
    auto reply = redis_.command({"HMGET", key, "f", "t"});
    if (!reply) return std::nullopt;
    if (reply->items.size() != 2) continue;
    auto failures = static_cast<unsigned>(std::max<std::int64_t>(0, number(reply->items[0])));
    auto allowed_at =
        number(reply->items[1]) + LoginThrottle::delay_after(policy_, failures).count();
    if (now < allowed_at) wait = std::max(wait, std::chrono::milliseconds(allowed_at - now));
  }
  return wait;
}

bool RedisThrottleStore::shared_failure(const std::string& user_key, const std::string& address) {
  std::vector<std::string> args{"EVAL", kCountFailure, user_key.empty() ? "1" : "2",
                                address_key_of(address)};
  if (!user_key.empty()) args.push_back(user_key_of(user_key));
  args.push_back(std::to_string(wall_ms()));
  auto quiet = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.forget_after);
  args.push_back(std::to_string(quiet.count()));
  return redis_.command(args).ok();
}

bool RedisThrottleStore::shared_success(const std::string& user_key) {
  return redis_.command({"DEL", user_key_of(user_key)}).ok();
}

asio::awaitable<std::chrono::milliseconds> RedisThrottleStore::wait_before_attempt(
    const std::string& user_key, const std::string& address) {
  auto local = fallback_.wait_before_attempt(user_key, address);
  auto shared = co_await run_blocking(
      blocking_, [this, &user_key, &address] { return shared_wait(user_key, address); });
  note(shared.has_value());
  // Redis's count takes in this node's; the node's own decides only while Redis is silent (a
  // success through another node cleared Redis, not this node's memory).
  co_return shared ? *shared : local;
}

asio::awaitable<void> RedisThrottleStore::record_failure(const std::string& user_key,
                                                         const std::string& address) {
  fallback_.record_failure(user_key, address);
  auto counted = co_await run_blocking(
      blocking_, [this, &user_key, &address] { return shared_failure(user_key, address); });
  note(counted);
}

asio::awaitable<void> RedisThrottleStore::record_success(const std::string& user_key) {
  fallback_.record_success(user_key);
  if (user_key.empty()) co_return;
  auto cleared =
      co_await run_blocking(blocking_, [this, &user_key] { return shared_success(user_key); });
  note(cleared);
}

}  // namespace netdisk::server
