// TokenBook: where AccountService keeps login tokens. SessionBook (session_book.h) keeps them
// in memory and in sessions.txt for one server; cluster::RedisTokenBook (cluster mode) keeps
// them in Redis, shared by every node, with this node's memory as a cache. lookup() and
// revocations() read memory only and never block; every other call may block on disk or the
// network: blocking pool only. Implementations are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/accounts/login_tokens.h"

namespace netdisk::server {

class TokenBook {
 public:
  virtual ~TokenBook() = default;

  // A new login of `username`, durable (or shared) before it returns. Errors: server_busy,
  // io_error.
  virtual Result<LoginTokens::Issued> issue(const std::string& username) = 0;
  // Memory only, never blocks.
  virtual LoginTokens::Lookup lookup(std::string_view token) = 0;
  // lookup(), and on a miss the shared store (a login made through another node). Blocks:
  // blocking pool only. Errors: server_busy when the shared store is unreachable.
  virtual Result<LoginTokens::Lookup> fetch(std::string_view token) { return lookup(token); }
  // Whether fetch() can find what lookup() does not.
  virtual bool shared() const noexcept { return false; }
  // Ends one login / every login of a user but `keep_token`'s. Memory first, so the login
  // ends here even when recording or spreading the revocation fails (the error says so).
  virtual Status revoke(std::string_view token) = 0;
  virtual Status revoke_user(std::string_view username, std::string_view keep_token = {}) = 0;
  // Moves whenever a login is ended here or, for a shared book, on any node.
  virtual std::uint64_t revocations() const noexcept = 0;
  virtual void set_lifetime(std::chrono::seconds lifetime) = 0;

  // Called with the name of a user whose logins another node ended (a shared book only), on a
  // thread of the book's; AccountService::user_changed_elsewhere.
  using OnUserRevoked = std::function<void(const std::string& username)>;
  // Starts listening for other nodes' revocations (a shared book only); called once, by the
  // AccountService that owns the book, when it is ready to be told.
  virtual void start(OnUserRevoked) {}
};

}  // namespace netdisk::server
