#include "cluster/locks/pg_lock_store.h"

#include <fmt/format.h>

#include <charconv>

#include "server/dav/lock_rules.h"

namespace netdisk::cluster {

namespace asio = boost::asio;
using server::dav::ActiveLock;
using server::dav::LockDepth;
using server::dav::LockFailure;
using server::dav::LockRequest;
using server::dav::LockScope;

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS netdisk.dav_locks (
  token text PRIMARY KEY,
  owner_user text NOT NULL,
  root text NOT NULL,
  depth_infinity boolean NOT NULL,
  exclusive boolean NOT NULL,
  owner_xml text NOT NULL,
  timeout_s bigint NOT NULL,
  created_ms bigint NOT NULL,
  expires_ms bigint NOT NULL);
CREATE INDEX IF NOT EXISTS dav_locks_by_user ON netdisk.dav_locks (owner_user, expires_ms);
CREATE INDEX IF NOT EXISTS dav_locks_by_expiry ON netdisk.dav_locks (expires_ms);
)sql";

constexpr const char* kColumns =
    "token, root, depth_infinity, exclusive, owner_xml, timeout_s, created_ms, expires_ms";

std::int64_t number(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string text_of(std::int64_t value) { return std::to_string(value); }

// The advisory lock that serializes one user's LOCK requests across nodes.
std::string user_lock_key(const std::string& user) { return "netdisk.dav_locks:" + user; }

}  // namespace

pg::PgStatus PgLockStore::ensure_table(pg::PgPool& setup) {
  return pg::ensure_schema(setup, "dav_locks", kSchema);
}

pg::PgResultOf<std::unique_ptr<PgLockStore>> PgLockStore::open(const std::string& conninfo,
                                                               asio::thread_pool& blocking,
                                                               pg::AsyncPgPool::Options options,
                                                               Limits limits, server::Now now) {
  pg::PgPool setup(conninfo, 1);
  if (auto made = ensure_table(setup); !made.ok()) return std::move(made).error();
  auto pool = std::make_unique<pg::AsyncPgPool>(conninfo, blocking, options);
  auto store = std::make_unique<PgLockStore>(*pool, limits, std::move(now));
  store->owned_pool_ = std::move(pool);
  return store;
}

PgLockStore::PgLockStore(pg::AsyncPgPool& pool, Limits limits, server::Now now,
                         server::WallNow wall)
    : pool_(pool), limits_(limits), now_(std::move(now)), wall_(std::move(wall)) {}

std::int64_t PgLockStore::wall_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(wall_().time_since_epoch()).count();
}

std::vector<ActiveLock> PgLockStore::locks_of(const pg::PgResult& rows) const {
  std::vector<ActiveLock> locks;
  auto steady = now_();
  auto wall = wall_ms();
  for (int row = 0; row < rows.rows(); ++row) {
    ActiveLock lock;
    lock.token = std::string(rows.text(row, 0));
    lock.root = std::string(rows.text(row, 1));
    lock.depth = rows.text(row, 2) == "t" ? LockDepth::infinity : LockDepth::zero;
    lock.scope = rows.text(row, 3) == "t" ? LockScope::exclusive : LockScope::shared;
    lock.owner = std::string(rows.text(row, 4));
    lock.timeout = std::chrono::seconds(number(rows.text(row, 5)));
    lock.expires = steady + std::chrono::milliseconds(number(rows.text(row, 7)) - wall);
    locks.push_back(std::move(lock));
  }
  return locks;
}

asio::awaitable<pg::PgResultOf<std::vector<ActiveLock>>> PgLockStore::current(
    pg::AsyncPgPool::Lease& lease, const std::string& user) {
  pg::Params params{user, text_of(wall_ms())};
  // Named locals: no non-trivial temporary in a co_await expression (GCC 12).
  std::string sql = fmt::format(
      "SELECT {} FROM netdisk.dav_locks WHERE owner_user = $1 AND expires_ms > $2::bigint "
      "ORDER BY created_ms, token",
      kColumns);
  auto rows = co_await lease.exec(sql, params);
  if (!rows) co_return std::move(rows).error();
  co_return locks_of(*rows);
}

asio::awaitable<PgLockStore::Outcome> PgLockStore::insert_checked(pg::AsyncPgPool::Lease& lease,
                                                                  const std::string& user,
                                                                  const std::string& path,
                                                                  const LockRequest& request) {
  auto held = co_await current(lease, user);
  if (!held) co_return LockFailure::unavailable;
  if (server::dav::lock_conflicts(*held, path, request)) co_return LockFailure::conflict;
  if (held->size() >= limits_.per_user) co_return LockFailure::too_many;
  ActiveLock lock;
  lock.token = server::dav::new_lock_token();
  lock.root = path;
  lock.scope = request.scope;
  lock.depth = request.depth;
  lock.owner = request.owner;
  lock.timeout = server::dav::granted_timeout(limits_, request.timeout);
  lock.expires = now_() + lock.timeout;
  auto created = wall_ms();
  auto expires =
      created + std::chrono::duration_cast<std::chrono::milliseconds>(lock.timeout).count();
  pg::Params params{lock.token,
                    user,
                    lock.root,
                    lock.depth == LockDepth::infinity ? "t" : "f",
                    lock.scope == LockScope::exclusive ? "t" : "f",
                    lock.owner,
                    text_of(lock.timeout.count()),
                    text_of(created),
                    text_of(expires)};
  auto inserted = co_await lease.exec(
      "INSERT INTO netdisk.dav_locks (token, owner_user, root, depth_infinity, exclusive, "
      "owner_xml, timeout_s, created_ms, expires_ms) VALUES ($1, $2, $3, $4::boolean, "
      "$5::boolean, $6, $7::bigint, $8::bigint, $9::bigint)",
      params);
  if (!inserted) co_return LockFailure::unavailable;
  co_return lock;
}

asio::awaitable<PgLockStore::Outcome> PgLockStore::lock(const std::string& user,
                                                        const std::string& path,
                                                        const LockRequest& request) {
  if (request.owner.size() > limits_.owner_bytes) co_return LockFailure::owner_too_large;
  auto lease = co_await pool_.acquire();
  if (!lease) co_return LockFailure::unavailable;
  // The advisory lock makes every node's LOCK of this user's names wait its turn, so the
  // conflict check below sees every lock granted before it (READ COMMITTED re-reads).
  auto begun = co_await lease->exec("BEGIN");
  if (!begun) co_return LockFailure::unavailable;
  const pg::Params key{user_lock_key(user)};
  auto locked = co_await lease->exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key);
  if (!locked) co_return LockFailure::unavailable;  // the lease drops the open transaction
  auto outcome = co_await insert_checked(*lease, user, path, request);
  auto end = co_await lease->exec(outcome ? "COMMIT" : "ROLLBACK");
  if (!end) co_return LockFailure::unavailable;
  co_return outcome;
}

asio::awaitable<BasicResult<std::optional<ActiveLock>, LockFailure>> PgLockStore::find_token(
    const std::string& user, const std::string& path, const std::string& token) {
  pg::Params params{token, user, text_of(wall_ms())};
  std::string sql = fmt::format(
      "SELECT {} FROM netdisk.dav_locks WHERE token = $1 AND owner_user = $2 AND expires_ms > "
      "$3::bigint",
      kColumns);
  auto rows = co_await pool_.query(sql, params);
  if (!rows) co_return LockFailure::unavailable;
  auto found = locks_of(*rows);
  // Root and depth never change, so this check stays true for the update that follows.
  if (found.empty() || !found.front().covers(path)) co_return std::optional<ActiveLock>{};
  co_return std::optional<ActiveLock>{std::move(found.front())};
}

asio::awaitable<PgLockStore::Outcome> PgLockStore::refresh(const std::string& user,
                                                           const std::string& path,
                                                           const std::string& token,
                                                           std::chrono::seconds timeout) {
  auto found = co_await find_token(user, path, token);
  if (!found) co_return std::move(found).error();
  if (!*found) co_return LockFailure::no_such_lock;
  ActiveLock lock = std::move(**found);
  lock.timeout = server::dav::granted_timeout(limits_, timeout);
  lock.expires = now_() + lock.timeout;
  auto now = wall_ms();
  auto expires = now + std::chrono::duration_cast<std::chrono::milliseconds>(lock.timeout).count();
  pg::Params params{token, text_of(lock.timeout.count()), text_of(expires), text_of(now)};
  auto updated = co_await pool_.query(
      "UPDATE netdisk.dav_locks SET timeout_s = $2::bigint, expires_ms = $3::bigint "
      "WHERE token = $1 AND expires_ms > $4::bigint",
      params);
  if (!updated) co_return LockFailure::unavailable;
  if (updated->affected() == 0) co_return LockFailure::no_such_lock;  // gone meanwhile
  co_return lock;
}

asio::awaitable<PgLockStore::Outcome> PgLockStore::unlock(const std::string& user,
                                                          const std::string& path,
                                                          const std::string& token) {
  auto found = co_await find_token(user, path, token);
  if (!found) co_return std::move(found).error();
  if (!*found) co_return LockFailure::no_such_lock;
  pg::Params params{token, text_of(wall_ms())};
  auto removed = co_await pool_.query(
      "DELETE FROM netdisk.dav_locks WHERE token = $1 AND expires_ms > $2::bigint", params);
  if (!removed) co_return LockFailure::unavailable;
  if (removed->affected() == 0) co_return LockFailure::no_such_lock;
  co_return std::move(**found);
}

asio::awaitable<PgLockStore::Blocker> PgLockStore::blocker(
    const std::string& user, const std::string& path, const std::vector<std::string>& submitted,
    bool subtree) {
  auto lease = co_await pool_.acquire();
  if (!lease) co_return LockFailure::unavailable;
  auto held = co_await current(*lease, user);
  if (!held) co_return LockFailure::unavailable;
  co_return server::dav::blocking_root(*held, path, submitted, subtree);
}

asio::awaitable<std::vector<ActiveLock>> PgLockStore::held_by(const std::string& user) {
  auto lease = co_await pool_.acquire();
  if (!lease) co_return std::vector<ActiveLock>{};
  auto held = co_await current(*lease, user);
  if (!held) co_return std::vector<ActiveLock>{};
  co_return std::move(*held);
}

asio::awaitable<void> PgLockStore::forget_tree(const std::string& user, const std::string& path) {
  pg::Params params{user, path};
  // starts_with rather than LIKE: a name may hold '%' or '_'.
  auto removed = co_await pool_.query(
      "DELETE FROM netdisk.dav_locks WHERE owner_user = $1 AND ($2 = '' OR root = $2 OR "
      "starts_with(root, $2 || '/'))",
      params);
  (void)removed;  // a failure leaves rows that lapse at their expiry; the caller logs nothing
}

asio::awaitable<std::size_t> PgLockStore::sweep() {
  auto now = wall_ms();
  auto due = next_sweep_ms_.load();
  if (now < due || !next_sweep_ms_.compare_exchange_strong(due, now + 60'000)) co_return 0;
  pg::Params params{text_of(now)};
  auto removed =
      co_await pool_.query("DELETE FROM netdisk.dav_locks WHERE expires_ms <= $1::bigint", params);
  co_return removed ? removed->affected() : 0;
}

}  // namespace netdisk::cluster
