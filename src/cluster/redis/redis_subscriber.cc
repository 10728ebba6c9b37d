#include "cluster/redis/redis_subscriber.h"

#include <spdlog/spdlog.h>

#include "cluster/redis/redis_connection.h"

namespace netdisk::cluster {
namespace {

constexpr auto kConnectTimeout = std::chrono::milliseconds(2000);
// Between attempts to reach a Redis that went away: quick first, then at most this.
constexpr auto kMaxBackoff = std::chrono::milliseconds(2000);

}  // namespace

RedisSubscriber::RedisSubscriber(std::string address, std::vector<std::string> channels,
                                 OnMessage on_message, OnSubscribed on_subscribed)
    : address_(std::move(address)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)),
      on_subscribed_(std::move(on_subscribed)),
      thread_([this] { run(); }) {}

RedisSubscriber::~RedisSubscriber() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (connection_ != nullptr) connection_->interrupt();
  }
  wake_.notify_all();
  thread_.join();
}

bool RedisSubscriber::wait_subscribed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, timeout, [this] { return subscriptions_.load() > 0; });
}

void RedisSubscriber::set_connection(RedisConnection* connection) {
  std::lock_guard lock(mutex_);
  connection_ = connection;
}

void RedisSubscriber::run() {
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    auto before = subscriptions_.load();
    serve_once();
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    if (subscriptions_.load() != before) backoff = std::chrono::milliseconds(50);
    // Not a test's fixed sleep: a pause before reconnecting, cut short by stop.
    wake_.wait_for(lock, backoff, [this] { return stopping_; });
    if (stopping_) return;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

void RedisSubscriber::serve_once() {
  auto made = RedisConnection::connect(address_, kConnectTimeout);
  if (!made) {
    spdlog::warn("redis subscriber: {}", made.error().message);
    return;
  }
  auto& connection = **made;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    connection_ = &connection;
  }
  struct Forget {
    RedisSubscriber& self;
    ~Forget() { self.set_connection(nullptr); }
  } forget{*this};
  std::vector<std::string> subscribe{"SUBSCRIBE"};
  subscribe.insert(subscribe.end(), channels_.begin(), channels_.end());
  auto confirmed = connection.command(subscribe);
  for (std::size_t more = 1; confirmed && more < channels_.size(); ++more)
    confirmed = connection.read();
  if (!confirmed) {
    spdlog::warn("redis subscriber: {}", confirmed.error().message);
    return;
  }
  connection.set_reply_timeout(std::chrono::milliseconds(0));  // messages come when they come
  if (on_subscribed_) on_subscribed_();
  {
    std::lock_guard lock(mutex_);
    subscriptions_.fetch_add(1);
  }
  wake_.notify_all();
  for (;;) {
    auto message = connection.read();
    if (!message) {
      std::lock_guard lock(mutex_);
      if (!stopping_) spdlog::warn("redis subscriber: {}; reconnecting", message.error().message);
      return;
    }
    // ["message", channel, payload]; anything else (a subscribe confirmation) is skipped.
    const auto& items = message->items;
    if (items.size() == 3 && items[0].text == "message") on_message_(items[1].text, items[2].text);
  }
}

}  // namespace netdisk::cluster
