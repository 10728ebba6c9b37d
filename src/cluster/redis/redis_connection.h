// RedisConnection: one hiredis connection (RAII over redisContext) that sends a command and
// waits for its reply, with a timeout on connecting and on every reply so that an unreachable
// or stalled Redis costs a bounded wait, never a hang. RedisClient: one such connection shared
// by the blocking pool's threads (a mutex), reconnected on the next command after a failure.
// Every call blocks: blocking pool only, never an I/O thread (docs/ARCHITECTURE.md, "Cluster
// mode"). Addresses are "unix:/path/to/redis.sock" or "HOST:PORT".
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct redisContext;

namespace netdisk::cluster {

// One reply, copied out of hiredis' reply tree.
struct RedisValue {
  enum class Kind { nil, string, integer, array, status };
  Kind kind = Kind::nil;
  std::string text;  // string and status replies
  long long integer = 0;
  std::vector<RedisValue> items;  // array replies
};

class RedisConnection {
 public:
  // Errors: server_busy (cannot connect within `timeout`), bad_request (a malformed address).
  static Result<std::unique_ptr<RedisConnection>> connect(std::string_view address,
                                                          std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and reads its reply. An error reply from Redis is io_error with its
  // text; a lost or stalled connection is server_busy, and leaves the connection broken().
  Result<RedisValue> command(const std::vector<std::string>& args);
  // Reads the next reply without sending (a subscriber's messages). Errors as command().
  Result<RedisValue> read();
  // How long read() and command() wait for a reply; zero: forever (a subscriber).
  void set_reply_timeout(std::chrono::milliseconds timeout);
  bool broken() const noexcept { return broken_; }
  // Wakes a read() blocked in another thread (it then fails): shuts the socket down.
  void interrupt();

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  Result<RedisValue> take(void* reply);

  redisContext* context_;
  bool broken_ = false;
};

class RedisClient {
 public:
  RedisClient(std::string address, std::chrono::milliseconds timeout)
      : address_(std::move(address)), timeout_(timeout) {}
  // command() on the shared connection, connecting first when there is none or it broke.
  // A connection that broke since the last command is replaced once; a Redis that stays
  // unreachable answers server_busy after at most the timeout.
  Result<RedisValue> command(const std::vector<std::string>& args);
  const std::string& address() const noexcept { return address_; }

 private:
  const std::string address_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::unique_ptr<RedisConnection> connection_;
};

}  // namespace netdisk::cluster
