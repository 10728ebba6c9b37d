// SessionBook: the login tokens (LoginTokens), made durable in a SessionStore so that a saved
// login survives a server restart. A login's token is on disk before issue() returns it, and a
// revocation before revoke() returns, so a revoked token never comes back after a restart.
// Writes are group-committed: while one caller rewrites the store the others queue, and the
// next rewrite carries every change made by then, so a login storm costs a few rewrites, not
// one per login. Expired logins are pruned on load and on every rewrite. Thread-safe; every
// call but lookup() blocks on disk: run them on the blocking pool, never an I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/accounts/login_tokens.h"
#include "server/accounts/token_book.h"
#include "storage/session_file.h"

namespace netdisk::server {

class SessionBook final : public TokenBook {
 public:
  // Loads the store. A damaged store is logged as an error and set aside (renamed), and the
  // book starts empty: users log in again. Never throws for a bad store.
  SessionBook(std::unique_ptr<storage::SessionStore> store, std::chrono::seconds lifetime,
              LoginTokens::Now now = &LoginTokens::Clock::now);

  // A new login of `username`, durable before it returns, except on a full disk: then it is
  // kept in memory (logged), so people can still log in and make room, and made durable by the
  // next rewrite that succeeds. Errors: server_busy (too many sessions), io_error (the login is
  // not kept).
  Result<LoginTokens::Issued> issue(const std::string& username) override;
  // Memory only, never blocks.
  LoginTokens::Lookup lookup(std::string_view token) override { return tokens_.lookup(token); }
  // Ends one login / every login of a user but `keep_token`'s, durably. On a write error the
  // login is ended in memory already, and the next successful rewrite records it.
  Status revoke(std::string_view token) override;
  Status revoke_user(std::string_view username, std::string_view keep_token = {}) override;

  // Counts revocations since start: a connection that logged in with a token checks it again
  // when this has moved (ops/op_table.cc), so an ended session ends on live connections too.
  std::uint64_t revocations() const noexcept override { return revocations_.load(); }
  std::uint64_t rewrites() const;  // successful store rewrites (for tests)
  std::size_t size() { return tokens_.size(); }
  void set_lifetime(std::chrono::seconds lifetime) override { tokens_.set_lifetime(lifetime); }

 private:
  // Waits until a rewrite that holds every change up to `generation` has finished, writing it
  // when no rewrite is under way. Returns that rewrite's status. `lock` holds mutex_.
  Status commit(std::unique_lock<std::mutex>& lock, std::uint64_t generation);
  void load();

  std::unique_ptr<storage::SessionStore> store_;
  LoginTokens tokens_;
  std::atomic<std::uint64_t> revocations_{0};

  mutable std::mutex mutex_;  // before tokens_' own mutex, never after
  std::condition_variable written_;
  std::uint64_t changes_ = 0;       // generation of the latest change to tokens_
  std::uint64_t durable_ = 0;       // every change up to here is on disk
  std::uint64_t last_covered_ = 0;  // the last finished rewrite carried changes up to here
  Status last_status_;              // and ended so
  bool writing_ = false;
  std::uint64_t rewrites_ = 0;
};

}  // namespace netdisk::server
