// RedisSubscriber: a thread of its own that subscribes to Redis channels and hands every
// message to a callback, reconnecting (and subscribing again) after Redis goes away. A thread
// doing blocking reads rather than hiredis' async API on an Asio descriptor: the subscriber's
// only work is to hand each message on, so it needs no event loop, and no I/O thread ever
// touches hiredis. The callbacks run on the subscriber's thread, one at a time, in Redis'
// order: they must be quick (post heavier work elsewhere). Owned by whoever made it; the
// destructor stops the thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace netdisk::cluster {

class RedisConnection;

class RedisSubscriber {
 public:
  using OnMessage = std::function<void(const std::string& channel, const std::string& payload)>;
  // Called after each (re)subscription: messages published while no subscription stood were
  // lost, so the owner drops what it cached (the first call comes before any message).
  using OnSubscribed = std::function<void()>;

  RedisSubscriber(std::string address, std::vector<std::string> channels, OnMessage on_message,
                  OnSubscribed on_subscribed);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // How many times the subscription was made (1 once first subscribed); for tests and logs.
  std::uint64_t subscriptions() const noexcept { return subscriptions_.load(); }
  // Waits until subscribed at least once, or `timeout`. Returns whether it is.
  bool wait_subscribed(std::chrono::milliseconds timeout);

 private:
  void run();
  // One connection's life: connect, subscribe, read until it fails or stop.
  void serve_once();
  void set_connection(RedisConnection* connection);

  const std::string address_;
  const std::vector<std::string> channels_;
  OnMessage on_message_;
  OnSubscribed on_subscribed_;
  std::atomic<std::uint64_t> subscriptions_{0};
  std::mutex mutex_;
  std::condition_variable wake_;  // stop, or a first subscription
  bool stopping_ = false;
  RedisConnection* connection_ = nullptr;  // the one being read, for stop() to interrupt
  std::thread thread_;
};

}  // namespace netdisk::cluster
