// AccountService: registration, login, logout and password changes as coroutines, shared by
// the TCP handlers and the web side. It validates at the edge, runs Argon2id on a bounded
// hashing pool and registry and session writes on the blocking pool, so no I/O thread ever
// waits on a hash or the disk; passwords sent with every request are checked against a
// CredentialCache first. Owned by the server and shared by every connection: all members are
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/result.h"
#include "server/accounts/credential_cache.h"
#include "server/accounts/login_throttle.h"
#include "server/accounts/login_tokens.h"
#include "server/accounts/session_book.h"
#include "server/accounts/throttle_store.h"
#include "server/accounts/token_book.h"
#include "server/accounts/verification_flights.h"
#include "server/bounded_pool.h"
#include "storage/account_store.h"
#include "storage/data_layout.h"
#include "storage/password_hasher.h"
#include "storage/user_registry.h"

namespace netdisk::server {

struct AccountOptions {
  storage::HashCost hash_cost;
  unsigned hash_threads = 2;
  std::size_t max_pending_hashes = 64;
  std::chrono::seconds session_lifetime{7 * 24 * 3600};
  LoginThrottle::Policy throttle;
  CredentialCache::Policy credential_cache;  // ttl 0: every check_password runs Argon2id
  // How often users.xlsx is checked for an administrator's edits (on the blocking pool); 0:
  // only before each rewrite.
  std::chrono::milliseconds workbook_check_interval{3000};
};

// Where the accounts and the login tokens live: users.xlsx and sessions.txt on one server, or
// PostgreSQL and Redis shared by the nodes of a cluster (server/cluster/account_backends.h).
struct AccountBackends {
  std::unique_ptr<storage::AccountStore> store;
  std::unique_ptr<TokenBook> tokens;
  // Cluster mode: the accounts are shared by nodes, and a user has no folder to create (the
  // cluster's storage backend serves any valid name).
  bool shared = false;
  // Where failed logins are counted; null: this node's memory (LocalThrottleStore with
  // AccountOptions::throttle). Cluster mode: Redis, every node's (server/cluster/redis_throttle.h).
  std::unique_ptr<ThrottleStore> throttle;
};

// users.xlsx and sessions.txt in `layout`'s data folder. Throws std::runtime_error with a
// message for the administrator when the workbook is damaged.
AccountBackends local_account_backends(const storage::DataLayout& layout,
                                       const AccountOptions& options);

class AccountService {
 public:
  // Opens the registry at layout.users_file() and the login sessions at
  // layout.sessions_file() (a damaged sessions file is set aside, not fatal). Throws
  // std::runtime_error with a message for the administrator when the workbook is damaged
  // (the file is left untouched).
  AccountService(const storage::DataLayout& layout, AccountOptions options,
                 boost::asio::thread_pool& blocking_pool);
  // The same over given backends (cluster mode, tests).
  AccountService(const storage::DataLayout& layout, AccountOptions options,
                 boost::asio::thread_pool& blocking_pool, AccountBackends backends);
  ~AccountService();

  // Creates the user's folder, then records the user durably. Errors: invalid_username,
  // invalid_password, user_exists, server_busy (hashing queue full), disk_full, io_error.
  boost::asio::awaitable<Status> register_user(std::string username, std::string password,
                                               storage::UserRole role = storage::UserRole::user);

  struct Login {
    std::string username;  // as registered (the case the user chose)
    std::string token;
    std::chrono::system_clock::time_point expires;
  };
  // The token is durable (it survives a restart) before this returns. Errors: auth_failed (the
  // same for a wrong name and a wrong password), rate_limited, server_busy, account_disabled
  // (only once the password is right), disk_full, io_error.
  boost::asio::awaitable<Result<Login>> login(std::string username, std::string password,
                                              std::string address);
  // Checks a password sent with every request (HTTP Basic) and issues no token. The same rules
  // and errors as login(), throttle first; but a password Argon2id accepted within the
  // credential cache's TTL, against the hash the registry holds now, is accepted from the
  // cache: no hashing, no folder check, no login time written. Returns the name as registered.
  boost::asio::awaitable<Result<std::string>> check_password(std::string username,
                                                             std::string password,
                                                             std::string address);
  // Errors: auth_failed (unknown token, or a user the administrator removed from users.xlsx:
  // the token is revoked), session_expired, account_disabled.
  Result<std::string> resume(std::string_view token);
  // resume(), and when this node does not know the token or its user, a look in the shared
  // stores on the blocking pool (cluster mode: a login made through another node). Errors as
  // resume(), and server_busy when Redis or PostgreSQL is unreachable.
  boost::asio::awaitable<Result<std::string>> resume_login(std::string token);
  // Ends one login, or every login of `username`; durable before they return, so the token
  // does not come back after a restart. Errors: disk_full, io_error.
  boost::asio::awaitable<Status> logout(std::string token);
  boost::asio::awaitable<Status> logout_everywhere(std::string username);
  // Changes `username`'s password after checking the old one (the same throttle and errors as
  // login), then ends every login of the user but `keep_token`'s and forgets the cached
  // verifications, so the old password stops working at once, HTTP Basic included. The new
  // hash is in users.xlsx before this returns. Errors: auth_failed (wrong old password),
  // invalid_password (the new one breaks the rules), rate_limited, server_busy, disk_full,
  // io_error.
  boost::asio::awaitable<Status> change_password(std::string username, std::string old_password,
                                                 std::string new_password, std::string address,
                                                 std::string keep_token);

  // The administrator's changes (ops/admin_ops.h), each in users.xlsx before it returns.
  // Errors: not_found naming the user, workbook_invalid, disk_full, io_error.
  // A change of the user's record (state, quota, role); when it leaves the user disabled, every
  // login of theirs ends, durably. Blocks on disk: run it on the blocking pool.
  Status update_user(std::string_view name, storage::AccountStore::Change change);
  // Takes the user out of users.xlsx and ends every login of theirs. Their folder is the
  // caller's to set aside. Blocks on disk: run it on the blocking pool.
  Status remove_user(std::string_view name);
  // Sets a new password without the old one, then ends every login of the user. Errors also:
  // invalid_password, server_busy.
  boost::asio::awaitable<Status> reset_password(std::string name, std::string password);
  // The user as the registry holds it now; memory only, never blocks.
  std::optional<storage::UserRecord> find_user(std::string_view name) const {
    return registry_->find(name);
  }
  // The same, and in cluster mode a name this node does not know yet (registered through another
  // node since it last read the store) is asked of the store on the blocking pool.
  boost::asio::awaitable<std::optional<storage::UserRecord>> find_user_anywhere(std::string name);

  // Moves whenever a login is ended (SessionBook::revocations()).
  std::uint64_t revocations() const noexcept { return sessions_->revocations(); }

  // Cluster mode: another node ended the logins of `name` (a logout --all, a password change,
  // a disable or delete): forget the cached password checks and read the user's record again.
  // Any thread; the read runs on the blocking pool.
  void user_changed_elsewhere(const std::string& name);
  bool shared() const noexcept { return shared_; }

  // What the password checks cost so far: full Argon2id verifications (dummy ones for unknown
  // users included) and checks answered by the credential cache. Logged at shutdown.
  std::uint64_t argon2_verifications() const noexcept { return argon2_verifications_.load(); }
  std::uint64_t credential_cache_hits() const noexcept { return credential_cache_hits_.load(); }

  const storage::DataLayout& layout() const noexcept { return layout_; }
  std::size_t user_count() const { return registry_->size(); }
  // Every account as the registry holds it now, in workbook order (the administrator's list).
  std::vector<storage::UserRecord> users() const;
  // Writes pending login times and waits for hashing work to finish. Call once, after the I/O
  // threads have stopped.
  void shutdown();

  // Reads users.xlsx again if the administrator changed it: added users get their folders,
  // removed ones lose their tokens. Blocks on disk; the periodic check runs it on the
  // blocking pool.
  void check_workbook();

  // What a SIGHUP reload changes (server/service/reloader.h): the lifetime of logins made from
  // now on, the credential cache's TTL (a change empties the cache), and how often the
  // workbook is checked (0: only before each rewrite). Any thread.
  void set_live_options(std::chrono::seconds session_lifetime, std::chrono::seconds credential_ttl,
                        std::chrono::milliseconds workbook_check_interval);

 private:
  // Throttle, name and password rules, one Argon2id verification, the user's folder: the
  // steps every password login shares. Counts the failure, or clears the throttle on success.
  boost::asio::awaitable<Result<storage::UserRecord>> verify_password(std::string_view username,
                                                                      std::string_view password,
                                                                      std::string_view address);
  // check_password()'s answer from the credential cache, or nullopt on a miss. A hit's
  // success is for the caller to record in the throttle.
  std::optional<std::string> cached_check(const std::string& user_key, std::string_view username,
                                          std::string_view password);
  // rate_limited when the throttle says this attempt must wait.
  boost::asio::awaitable<Status> throttle_check(const std::string& user_key,
                                                const std::string& address);
  // A name being registered right now (by key), so two racing registrations of one name
  // cannot both create its folder.
  bool claim(const std::string& key);
  // Makes sure user `name`'s folder exists (DataLayout::ensure_user_folder), logging what it
  // did; the error a client gets names no server path. Blocks on disk.
  Status ensure_folder(const std::string& name);
  void ensure_every_folder();
  void schedule_login_flush();
  void schedule_workbook_check();
  // A valid token's user, unless the administrator removed or disabled them meanwhile.
  Result<std::string> still_allowed(const LoginTokens::Lookup& session);
  // resume()'s answer for a lookup.
  Result<std::string> answer(const LoginTokens::Lookup& found);
  void release(const std::string& key);
  // Ends every login of `name` after an administrator's change, and forgets their cached
  // password checks.
  Status end_sessions(const std::string& name, std::string_view why);

  storage::DataLayout layout_;
  AccountOptions options_;
  boost::asio::thread_pool& blocking_pool_;
  std::unique_ptr<storage::AccountStore> registry_;
  std::unique_ptr<storage::PasswordHasher> hasher_;
  BoundedPool hash_pool_;
  std::unique_ptr<TokenBook> sessions_;
  bool shared_ = false;
  std::unique_ptr<ThrottleStore> throttle_;
  CredentialCache credentials_;
  VerificationFlights flights_;  // concurrent checks of the same credentials share one Argon2id
  std::atomic<std::uint64_t> argon2_verifications_{0};
  std::atomic<std::uint64_t> credential_cache_hits_{0};
  static constexpr auto kLoginFlushDelay = std::chrono::seconds(2);
  boost::asio::steady_timer login_flush_timer_;
  std::atomic<bool> login_flush_scheduled_{false};
  // The periodic workbook check re-arms its timer from the blocking pool's threads, and
  // shutdown() cancels it from the main thread: a timer is not thread-safe, so both go through
  // one strand.
  boost::asio::strand<boost::asio::thread_pool::executor_type> workbook_strand_;
  boost::asio::steady_timer workbook_timer_;
  std::atomic<bool> stopping_{false};
  // options_.workbook_check_interval, changed by set_live_options().
  std::atomic<std::chrono::milliseconds> workbook_interval_;
  std::mutex claims_mutex_;
  std::unordered_set<std::string> claims_;
};

}  // namespace netdisk::server
