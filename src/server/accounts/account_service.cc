#include "server/accounts/account_service.h"

#include <sodium.h>

#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "server/blocking.h"
#include "server/logging/component_log.h"
#include "storage/username.h"

namespace netdisk::server {
namespace {

// Wipes a password from memory when it goes out of scope.
struct Wipe {
  std::string& secret;
  ~Wipe() { sodium_memzero(secret.data(), secret.size()); }
};

Error busy() {
  return make_error(Errc::server_busy, "too many logins and registrations at once; try again");
}

Error wrong_credentials() { return make_error(Errc::auth_failed, "wrong username or password"); }

Error disabled(std::string_view name) {
  return make_error(Errc::account_disabled,
                    fmt::format("the account {} is disabled; ask the server administrator", name));
}

void log_invalid_name(std::string_view username, std::string_view address) {
  // Escaped (no forged lines, no terminal escapes) and clipped: a frame-sized name must not
  // become a frame-sized log line.
  constexpr std::size_t kLoggedNameBytes = 64;
  log_of(LogComponent::accounts)
      .info("login failed for an invalid username {:?}{} from {}",
            username.substr(0, kLoggedNameBytes),
            username.size() > kLoggedNameBytes
                ? fmt::format(" (clipped, {} bytes)", username.size())
                : std::string(),
            address);
}

}  // namespace

AccountBackends local_account_backends(const storage::DataLayout& layout,
                                       const AccountOptions& options) {
  auto registry = storage::UserRegistry::open(layout.users_file());
  if (!registry) {
    throw std::runtime_error(
        fmt::format("cannot load {}: {}", layout.users_file().string(), registry.error().message));
  }
  AccountBackends backends;
  backends.store = std::move(*registry);
  backends.tokens = std::make_unique<SessionBook>(
      std::make_unique<storage::SessionFile>(layout.sessions_file()), options.session_lifetime);
  return backends;
}

AccountService::AccountService(const storage::DataLayout& layout, AccountOptions options,
                               boost::asio::thread_pool& blocking_pool)
    : AccountService(layout, options, blocking_pool, local_account_backends(layout, options)) {}

AccountService::AccountService(const storage::DataLayout& layout, AccountOptions options,
                               boost::asio::thread_pool& blocking_pool, AccountBackends backends)
    : layout_(layout),
      options_(options),
      blocking_pool_(blocking_pool),
      registry_(std::move(backends.store)),
      hash_pool_(options.hash_threads, options.max_pending_hashes),
      sessions_(std::move(backends.tokens)),
      shared_(backends.shared),
      throttle_(backends.throttle ? std::move(backends.throttle)
                                  : std::make_unique<LocalThrottleStore>(options.throttle)),
      credentials_(options.credential_cache),
      login_flush_timer_(blocking_pool),
      workbook_strand_(boost::asio::make_strand(blocking_pool.get_executor())),
      workbook_timer_(workbook_strand_),
      workbook_interval_(options.workbook_check_interval) {
  registry_->set_reporter(
      [](const std::string& problem) { log_of(LogComponent::accounts).error("{}", problem); });
  auto hasher = storage::PasswordHasher::create(options.hash_cost);
  if (!hasher) throw std::runtime_error(hasher.error().message);
  hasher_ = std::make_unique<storage::PasswordHasher>(std::move(*hasher));
  log_of(LogComponent::accounts).info("{} users in {}", registry_->size(), registry_->describe());
  if (!shared_) ensure_every_folder();
  sessions_->start([this](const std::string& name) { user_changed_elsewhere(name); });
  schedule_workbook_check();
}

void AccountService::schedule_workbook_check() {
  auto interval = workbook_interval_.load();
  if (interval.count() == 0 || stopping_) return;
  // The timer runs on the blocking pool: reading the workbook never holds up an I/O thread.
  workbook_timer_.expires_after(interval);
  workbook_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_) return;
    check_workbook();
    schedule_workbook_check();
  });
}

void AccountService::set_live_options(std::chrono::seconds session_lifetime,
                                      std::chrono::seconds credential_ttl,
                                      std::chrono::milliseconds workbook_check_interval) {
  sessions_->set_lifetime(session_lifetime);
  if (options_.credential_cache.ttl != credential_ttl) {
    credentials_.set_ttl(credential_ttl);
    options_.credential_cache.ttl = credential_ttl;  // only the reload, serialized, touches it
  }
  auto was = workbook_interval_.exchange(workbook_check_interval);
  // From 0 the check was not scheduled: start it, on the strand the timer belongs to (a
  // pending wait, if a quick 0 -> n -> 0 -> n left one, is cancelled by expires_after).
  if (was.count() == 0 && workbook_check_interval.count() != 0) {
    boost::asio::post(workbook_strand_, [this] { schedule_workbook_check(); });
  }
}

void AccountService::check_workbook() {
  auto edits = registry_->check_for_edits();
  if (!edits || !edits->reloaded) return;  // an error was reported by the registry, once
  log_of(LogComponent::accounts)
      .info("{} changed: {} users added, {} removed", registry_->describe(), edits->added.size(),
            edits->removed.size());
  if (!shared_) {
    for (const auto& name : edits->added) (void)ensure_folder(name);
  }
  for (const auto& name : edits->removed) {
    if (auto revoked = sessions_->revoke_user(name); !revoked) {
      log_of(LogComponent::accounts)
          .warn("ending the sessions of removed user {}: {}", name, revoked.error().message);
    }
  }
}

void AccountService::ensure_every_folder() {
  // A row added to users.xlsx by hand, or a name whose case was changed there, has no folder
  // of that exact name yet; every user the server accepts must have one.
  std::size_t unusable = 0;
  for (const auto& name : registry_->names()) unusable += ensure_folder(name).ok() ? 0 : 1;
  if (unusable > 0)
    log_of(LogComponent::accounts)
        .error("{} users cannot log in until their folders are fixed", unusable);
}

Status AccountService::ensure_folder(const std::string& name) {
  using Fix = storage::DataLayout::FolderFix;
  auto fixed = layout_.ensure_user_folder(name);
  if (!fixed) {
    log_of(LogComponent::accounts)
        .error("the folder of user {:?} ({}) cannot be used: {}", name,
               layout_.user_folder(name).string(), fixed.error().message);
    return make_error(fixed.error().code,
                      "your folder on the server cannot be used; ask the server administrator");
  }
  if (*fixed == Fix::created) {
    log_of(LogComponent::accounts)
        .warn("created the missing folder of user {:?}: {}", name,
              layout_.user_folder(name).string());
  } else if (*fixed == Fix::adopted) {
    log_of(LogComponent::accounts)
        .warn("renamed the folder of user {:?} to the case users.xlsx gives: {}", name,
              layout_.user_folder(name).string());
  }
  return {};
}

AccountService::~AccountService() {
  // First: a shared book's subscriber thread calls user_changed_elsewhere(), which uses
  // members destroyed before sessions_ would be.
  sessions_.reset();
}

bool AccountService::claim(const std::string& key) {
  std::lock_guard lock(claims_mutex_);
  return claims_.insert(key).second;
}

void AccountService::release(const std::string& key) {
  std::lock_guard lock(claims_mutex_);
  claims_.erase(key);
}

boost::asio::awaitable<Status> AccountService::register_user(std::string username,
                                                             std::string password,
                                                             storage::UserRole role) {
  Wipe wipe{password};
  if (auto valid = storage::validate_username(username); !valid.ok()) co_return valid;
  if (auto valid = storage::validate_password(password); !valid.ok()) co_return valid;
  auto key = storage::username_key(username);
  auto taken = make_error(Errc::user_exists, fmt::format("the name {} is taken", username));
  if (registry_->find(username)) co_return taken;
  if (!claim(key)) co_return taken;
  struct Unclaim {
    AccountService& service;
    const std::string& key;
    ~Unclaim() { service.release(key); }
  } unclaim{*this, key};

  auto hashed = co_await hash_pool_.run([this, &password] { return hasher_->hash(password); });
  if (!hashed) co_return busy();
  if (!hashed->ok()) co_return hashed->error();

  storage::UserRecord record{username, std::move(**hashed), std::chrono::system_clock::now(), {}};
  record.role = role;
  co_return co_await run_blocking(blocking_pool_, [this, &record]() -> Status {
    // Cluster mode: no folder; the shared store's unique name decides between two nodes.
    if (shared_) return registry_->add(std::move(record));
    if (auto folder = layout_.create_user_folder(record.name); !folder.ok()) return folder;
    return registry_->add(std::move(record));
  });
}

// The throttle's arguments are named lvalues that outlive each co_await: no non-trivial
// temporary inside a co_await expression (GCC 12 may destroy those twice).
boost::asio::awaitable<Status> AccountService::throttle_check(const std::string& user_key,
                                                              const std::string& address) {
  auto wait = co_await throttle_->wait_before_attempt(user_key, address);
  if (wait.count() == 0) co_return Status{};
  co_return make_error(Errc::rate_limited, fmt::format("too many failed logins; try again in {} s",
                                                       (wait.count() + 999) / 1000));
}

boost::asio::awaitable<Result<storage::UserRecord>> AccountService::verify_password(
    std::string_view username, std::string_view password, std::string_view address) {
  // A name that breaks the username rules can never log in, and the rules are public, so it
  // is refused at once: no hashing to spend, and no throttle record keyed by a name a peer
  // may vary (up to a frame's size) on every attempt. The failure still counts against the
  // address, so spraying such names is slowed down like any other guessing.
  bool valid_name = storage::validate_username(username).ok();
  auto key = valid_name ? storage::username_key(username) : std::string();
  const std::string from(address);
  auto throttled = co_await throttle_check(key, from);
  if (!throttled.ok()) co_return std::move(throttled).error();
  if (!valid_name) {
    co_await throttle_->record_failure(key, from);
    log_invalid_name(username, address);
    co_return wrong_credentials();
  }
  bool valid_password = storage::validate_password(password).ok();
  auto user = valid_password ? registry_->find(username) : std::nullopt;
  if (!user && valid_password && shared_) {
    // Perhaps registered through another node since this one last read the store.
    auto fresh = co_await run_blocking(
        blocking_pool_, [this, username] { return registry_->find_fresh(username); });
    user = std::move(fresh);
  }
  // An unknown user costs one dummy verification, so it takes as long as a wrong password.
  auto verified = co_await hash_pool_.run([this, &user, &password] {
    argon2_verifications_.fetch_add(1, std::memory_order_relaxed);
    if (!user) {
      hasher_->verify_dummy(password);
      return false;
    }
    return hasher_->verify(user->password_hash, password);
  });
  if (!verified) co_return busy();
  if (!*verified) {
    co_await throttle_->record_failure(key, from);
    log_of(LogComponent::accounts).info("login failed for {:?} from {}", username, address);
    co_return wrong_credentials();
  }
  co_await throttle_->record_success(key);
  // Said only to a caller who knows the password, so it tells a guesser nothing.
  if (user->state == storage::AccountState::disabled) co_return disabled(user->name);
  if (shared_) co_return std::move(*user);
  // The folder may have been removed while the server runs: every accepted login has one.
  const std::string& name = user->name;
  auto folder =
      co_await run_blocking(blocking_pool_, [this, &name] { return ensure_folder(name); });
  if (!folder.ok()) co_return std::move(folder).error();
  co_return std::move(*user);
}

boost::asio::awaitable<Result<AccountService::Login>> AccountService::login(std::string username,
                                                                            std::string password,
                                                                            std::string address) {
  Wipe wipe{password};
  // Not served from the credential cache: a login is rare (its token is what later requests
  // present), and every one still costs an Argon2id verification, as it always has.
  auto user = co_await verify_password(username, password, address);
  if (!user) co_return std::move(user).error();
  const std::string& name = user->name;
  auto issued =
      co_await run_blocking(blocking_pool_, [this, &name] { return sessions_->issue(name); });
  if (!issued) co_return std::move(issued).error();
  registry_->note_login(user->name, std::chrono::system_clock::now());
  schedule_login_flush();
  co_return Login{user->name, std::move(issued->token), issued->expires};
}

std::optional<std::string> AccountService::cached_check(const std::string& user_key,
                                                        std::string_view username,
                                                        std::string_view password) {
  auto user = registry_->find(username);
  // A disabled user misses, so the full check gives the account_disabled answer.
  if (!user || user->state == storage::AccountState::disabled ||
      !credentials_.verified(user_key, password, user->password_hash)) {
    return {};
  }
  credential_cache_hits_.fetch_add(1, std::memory_order_relaxed);
  return std::move(user->name);
}

boost::asio::awaitable<Result<std::string>> AccountService::check_password(std::string username,
                                                                           std::string password,
                                                                           std::string address) {
  Wipe wipe{password};
  std::unique_ptr<VerificationFlights::Ticket> flight;
  if (credentials_.enabled() && storage::validate_username(username).ok() &&
      storage::validate_password(password).ok()) {
    // The throttle comes first, hit or miss: otherwise a throttled guesser could still learn
    // at full speed whether a guess is a password the cache holds.
    auto key = storage::username_key(username);
    auto throttled = co_await throttle_check(key, address);
    if (!throttled.ok()) co_return std::move(throttled).error();
    if (auto name = cached_check(key, username, password)) {
      co_await throttle_->record_success(key);
      co_return std::move(*name);
    }
    // A miss: if the same credentials are being verified right now, wait for that one and
    // look again. Only a success lands in the cache; after a failure this caller verifies
    // (and is throttled) on its own, below.
    // A leader looks once more: a flight that landed between the miss above and the join
    // has left its success in the cache.
    flight = flights_.join(credentials_.credentials_digest(key, password));
    if (!flight->leader()) co_await flight->wait();
    if (auto name = cached_check(key, username, password)) {
      co_await throttle_->record_success(key);
      co_return std::move(*name);
    }
  }
  auto user = co_await verify_password(username, password, address);
  if (!user) co_return std::move(user).error();
  credentials_.remember(storage::username_key(user->name), password, user->password_hash);
  if (flight) flight->land();  // after remember(): the waiters find the entry
  // One login time per verification, so a client polling with Basic credentials costs one
  // registry write per cache lifetime, not one per request.
  registry_->note_login(user->name, std::chrono::system_clock::now());
  schedule_login_flush();
  co_return std::move(user->name);
}

void AccountService::schedule_login_flush() {
  // Login times are bookkeeping: they are written in the background at most once per
  // kLoginFlushDelay, batched with whatever else the registry writes, instead of one workbook
  // rewrite per login.
  if (login_flush_scheduled_.exchange(true)) return;
  login_flush_timer_.expires_after(kLoginFlushDelay);
  login_flush_timer_.async_wait([this](const boost::system::error_code&) {
    login_flush_scheduled_ = false;
    // A workbook with an error was reported once by the registry; not again per login.
    if (auto flushed = registry_->flush();
        !flushed.ok() && flushed.error().code != Errc::workbook_invalid) {
      log_of(LogComponent::accounts).warn("recording login times: {}", flushed.error().message);
    }
  });
}

void AccountService::shutdown() {
  stopping_ = true;
  boost::asio::post(workbook_strand_, [this] { workbook_timer_.cancel(); });
  login_flush_timer_.cancel();  // its handler still runs, and flushes
  hash_pool_.join();
  log_of(LogComponent::accounts)
      .info("password checks: {} Argon2id verifications, {} from the credential cache",
            argon2_verifications(), credential_cache_hits());
}

Result<std::string> AccountService::still_allowed(const LoginTokens::Lookup& session) {
  // The administrator may have removed or disabled the user in users.xlsx since the login. A
  // token issued before the account was registered belongs to an earlier account of that name
  // (removed, then registered again, perhaps in another case): it must not log in the new one.
  // Refused here, on the I/O thread; its durable revocation is the workbook check's
  // (check_workbook), which runs on the blocking pool.
  auto user = registry_->find(session.username);
  if (!user || session.issued < user->registered_at) {
    return make_error(Errc::auth_failed, "this account no longer exists; log in again");
  }
  if (user->state == storage::AccountState::disabled) return disabled(user->name);
  return session.username;
}

Result<std::string> AccountService::answer(const LoginTokens::Lookup& found) {
  switch (found.check) {
    case LoginTokens::Check::valid:
      return still_allowed(found);
    case LoginTokens::Check::expired:
      return make_error(Errc::session_expired, "the session has expired; log in again");
    case LoginTokens::Check::unknown:
      break;
  }
  return make_error(Errc::auth_failed, "unknown session token; log in again");
}

Result<std::string> AccountService::resume(std::string_view token) {
  return answer(sessions_->lookup(token));
}

boost::asio::awaitable<Result<std::string>> AccountService::resume_login(std::string token) {
  auto found = sessions_->lookup(token);
  if (found.check == LoginTokens::Check::unknown && sessions_->shared()) {
    // Issued by another node: Redis knows it. Never on the I/O thread.
    auto fetched =
        co_await run_blocking(blocking_pool_, [this, &token] { return sessions_->fetch(token); });
    if (!fetched) co_return std::move(fetched).error();
    found = std::move(*fetched);
  }
  if (found.check == LoginTokens::Check::valid && shared_ && !registry_->find(found.username)) {
    // A user registered through another node since this one last read the store.
    const std::string& name = found.username;
    co_await run_blocking(blocking_pool_, [this, &name] { (void)registry_->find_fresh(name); });
  }
  co_return answer(found);
}

boost::asio::awaitable<std::optional<storage::UserRecord>> AccountService::find_user_anywhere(
    std::string name) {
  auto user = registry_->find(name);
  if (user || !shared_) co_return user;
  auto fresh =
      co_await run_blocking(blocking_pool_, [this, &name] { return registry_->find_fresh(name); });
  co_return fresh;
}

void AccountService::user_changed_elsewhere(const std::string& name) {
  credentials_.forget_user(storage::username_key(name));
  if (stopping_) return;
  boost::asio::post(blocking_pool_, [this, name] { (void)registry_->find_fresh(name); });
}

std::vector<storage::UserRecord> AccountService::users() const {
  std::vector<storage::UserRecord> out;
  for (const auto& name : registry_->names()) {
    if (auto record = registry_->find(name)) out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace netdisk::server

namespace netdisk::server {

boost::asio::awaitable<Status> AccountService::logout(std::string token) {
  co_return co_await run_blocking(blocking_pool_,
                                  [this, &token] { return sessions_->revoke(token); });
}

boost::asio::awaitable<Status> AccountService::logout_everywhere(std::string username) {
  co_return co_await run_blocking(blocking_pool_,
                                  [this, &username] { return sessions_->revoke_user(username); });
}

boost::asio::awaitable<Status> AccountService::change_password(std::string username,
                                                               std::string old_password,
                                                               std::string new_password,
                                                               std::string address,
                                                               std::string keep_token) {
  Wipe wipe_old{old_password};
  Wipe wipe_new{new_password};
  // The old password first: a caller who cannot give it learns nothing about the new one.
  auto user = co_await verify_password(username, old_password, address);
  if (!user) {
    if (user.error().code != Errc::auth_failed) co_return std::move(user).error();
    co_return make_error(Errc::auth_failed, "wrong password");  // the name is the caller's own
  }
  if (auto valid = storage::validate_password(new_password); !valid.ok()) co_return valid;
  auto hashed =
      co_await hash_pool_.run([this, &new_password] { return hasher_->hash(new_password); });
  if (!hashed) co_return busy();
  if (!hashed->ok()) co_return hashed->error();
  const std::string& name = user->name;
  auto& hash = **hashed;
  auto changed = co_await run_blocking(blocking_pool_, [this, &name, &hash, &keep_token] {
    if (auto stored = registry_->set_password(name, std::move(hash)); !stored.ok()) return stored;
    // The new hash is durable: from here the old password no longer logs anyone in. The
    // other logins are ended in memory even if recording that fails.
    auto ended = sessions_->revoke_user(name, keep_token);
    if (ended.ok()) return ended;
    return Status(make_error(ended.error().code,
                             "the password was changed, but ending your other sessions could "
                             "not be recorded: " +
                                 ended.error().message));
  });
  // Entries verified against the old hash are refused anyway (the hash they were checked
  // against has changed); forgetting them frees their room now. A verification still in
  // flight lands an entry bound to the old hash, refused the same way.
  credentials_.forget_user(storage::username_key(name));
  if (changed.ok())
    log_of(LogComponent::accounts).info("user {:?} changed their password from {}", name, address);
  co_return changed;
}

}  // namespace netdisk::server

namespace netdisk::server {

Status AccountService::end_sessions(const std::string& name, std::string_view why) {
  credentials_.forget_user(storage::username_key(name));
  auto ended = sessions_->revoke_user(name);
  if (ended.ok()) return ended;
  // Ended in memory already (SessionBook::revoke_user); only the record is missing.
  return make_error(ended.error().code, fmt::format("{}, but ending the sessions of {} could "
                                                    "not be recorded: {}",
                                                    why, name, ended.error().message));
}

Status AccountService::update_user(std::string_view name, storage::UserRegistry::Change change) {
  if (auto updated = registry_->update(name, std::move(change)); !updated.ok()) return updated;
  auto user = registry_->find(name);
  if (!user || user->state != storage::AccountState::disabled) return {};
  // The state is durable first: from here no login succeeds, so none outlives the revocation.
  return end_sessions(user->name, "the account was disabled");
}

Status AccountService::remove_user(std::string_view name) {
  auto user = registry_->find(name);
  if (!user) return make_error(Errc::not_found, fmt::format("no user \"{}\"", name));
  if (auto removed = registry_->remove(user->name); !removed.ok()) return removed;
  return end_sessions(user->name, "the account was deleted");
}

boost::asio::awaitable<Status> AccountService::reset_password(std::string name,
                                                              std::string password) {
  Wipe wipe{password};
  auto user = registry_->find(name);
  if (!user) co_return make_error(Errc::not_found, fmt::format("no user \"{}\"", name));
  if (auto valid = storage::validate_password(password); !valid.ok()) co_return valid;
  auto hashed = co_await hash_pool_.run([this, &password] { return hasher_->hash(password); });
  if (!hashed) co_return busy();
  if (!hashed->ok()) co_return hashed->error();
  auto& hash = **hashed;
  const std::string& who = user->name;
  co_return co_await run_blocking(blocking_pool_, [this, &who, &hash]() -> Status {
    if (auto stored = registry_->set_password(who, std::move(hash)); !stored.ok()) return stored;
    return end_sessions(who, "the password was set");
  });
}

}  // namespace netdisk::server
