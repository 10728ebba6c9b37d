// PgQuotaLedger (pg_quota_ledger.h): the cluster's quota check in PostgreSQL.
#include "cluster/quota/pg_quota_ledger.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "storage/byte_size.h"
#include "storage/username.h"

namespace netdisk::cluster {
namespace {

using storage::StorageStatus;

constexpr std::string_view kSchema = R"SQL(
SET LOCAL client_min_messages = warning;
-- One row per (user, node holding uploads or copies of that user in progress): the bytes
-- still to come. A row whose lease passed counts no more (its node died) and is deleted by
-- the next check of that user.
CREATE TABLE IF NOT EXISTS netdisk.quota_reservations (
  username text COLLATE "C" NOT NULL,
  holder text COLLATE "C" NOT NULL,
  bytes bigint NOT NULL,
  lease_until_ns bigint NOT NULL,
  PRIMARY KEY (username, holder)
);
CREATE INDEX IF NOT EXISTS quota_reservations_by_holder
  ON netdisk.quota_reservations (holder);
)SQL";

// Used is the figure of ClusterSpace::stored_bytes("") (cluster_space.cc): files (trashed
// ones included, their rows live on under the trash), the recorded chunks of upload sessions,
// and kept versions. Then every node's live reservations, then the account's quota text.
// The sums cost a scan of the user's rows (docs/SCALING.md, "One quota for the cluster"), so a
// check skips them when neither the account ($4 false: no default either) has a quota.
constexpr std::string_view kFigures =
    "WITH account AS (SELECT coalesce((SELECT quota FROM netdisk.users WHERE name_key = $2), "
    "'') AS quota), wanted AS (SELECT $4::boolean OR quota <> '' AS sums FROM account) "
    "SELECT CASE WHEN sums THEN (SELECT coalesce(sum(size), 0) FROM netdisk.entries WHERE "
    "username = $1 AND NOT is_dir) + (SELECT coalesce(sum(recorded), 0) FROM netdisk.uploads "
    "WHERE username = $1) + (SELECT coalesce(sum(size), 0) FROM netdisk.versions WHERE username "
    "= $1) END, CASE WHEN sums THEN (SELECT coalesce(sum(bytes), 0) FROM "
    "netdisk.quota_reservations WHERE username = $1 AND lease_until_ns >= $3) END, "
    "(SELECT quota FROM account), sums FROM wanted";

constexpr std::string_view kWriteRow =
    "INSERT INTO netdisk.quota_reservations (username, holder, bytes, lease_until_ns) VALUES "
    "($1, $2, $3, $4) ON CONFLICT (username, holder) DO UPDATE SET bytes = EXCLUDED.bytes, "
    "lease_until_ns = EXCLUDED.lease_until_ns";

std::string random_suffix() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

std::uint64_t column_u64(const pg::PgResult& result, int col) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, column_i64(result, 0, col)));
}

}  // namespace

storage::StorageResult<std::shared_ptr<PgQuotaLedger>> PgQuotaLedger::open(
    std::shared_ptr<pg::PgPool> pool, PgQuotaOptions options, MakeRoom make_room) {
  if (auto made = pg::ensure_schema(*pool, "quota", kSchema); !made.ok()) {
    return db_failure(made.error());
  }
  return std::make_shared<PgQuotaLedger>(std::move(pool), std::move(options), std::move(make_room));
}

PgQuotaLedger::PgQuotaLedger(std::shared_ptr<pg::PgPool> pool, PgQuotaOptions options,
                             MakeRoom make_room)
    : db_(std::move(pool)),
      options_(std::move(options)),
      make_room_(std::move(make_room)),
      holder_(options_.node_name + "-" + random_suffix()) {
  if (options_.renew_thread) renewer_ = std::thread([this] { renew_loop(); });
}

PgQuotaLedger::~PgQuotaLedger() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_wake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  // Best effort: rows left behind (the database is down) count no more after their lease.
  (void)db_.exec("DELETE FROM netdisk.quota_reservations WHERE holder = $1", {holder_});
}

std::int64_t PgQuotaLedger::now_ns() const {
  if (options_.clock_ns) return options_.clock_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::shared_ptr<PgQuotaLedger::Hold> PgQuotaLedger::hold_of(std::string_view user) {
  std::lock_guard lock(mutex_);
  auto it = holds_.find(user);
  if (it == holds_.end()) it = holds_.emplace(std::string(user), std::make_shared<Hold>()).first;
  return it->second;
}

storage::StorageResult<PgQuotaLedger::Figures> PgQuotaLedger::figures(const SqlRunner& sql,
                                                                      std::string_view user,
                                                                      bool for_check) const {
  // Without an account quota, the default decides whether a check needs the sums at all.
  std::optional<std::uint64_t> fallback;
  if (options_.default_quota) fallback = options_.default_quota(user);
  bool sums = !for_check || fallback.has_value();
  auto read = sql.exec(
      kFigures, {std::string(user), storage::username_key(user), param(now_ns()), param(sums)});
  if (!read) return std::move(read).error();
  Figures out;
  auto text = column_text(*read, 0, 2);
  if (text && !text->empty()) out.quota = storage::parse_byte_size(*text);
  if (!out.quota) out.quota = fallback;
  out.counted = column_text(*read, 0, 3) == std::optional<std::string>("t");
  out.used = column_u64(*read, 0);
  out.reserved = column_u64(*read, 1);
  return out;
}

void PgQuotaLedger::remember(std::string_view user, const Figures& figures) {
  std::lock_guard lock(mutex_);
  auto& usage = known_[std::string(user)];
  usage.quota = figures.quota;
  if (!figures.counted) return;  // a check that needed no sums: the last ones stay
  usage.used = figures.used;
  usage.reserved = figures.reserved;
  usage.counted = true;
}

storage::StorageResult<std::uint64_t> PgQuotaLedger::try_reserve(
    std::string_view user, Hold& hold, std::uint64_t bytes, std::optional<std::uint64_t>& quota) {
  std::uint64_t missing = 0;
  Figures seen;
  auto done = db_.locked(user, [&](StoreTx& tx) -> StorageStatus {
    std::int64_t now = now_ns();
    auto swept = tx.exec(
        "DELETE FROM netdisk.quota_reservations WHERE username = $1 AND lease_until_ns < $2",
        {std::string(user), param(now)});
    if (!swept) return std::move(swept).error();
    auto read = figures(tx, user, true);
    if (!read) return std::move(read).error();
    seen = *read;
    std::uint64_t taken = seen.used + seen.reserved;
    std::uint64_t left = !seen.quota ? bytes : taken >= *seen.quota ? 0 : *seen.quota - taken;
    if (bytes > left) {
      missing = bytes - left;
      return {};
    }
    auto lease = now + std::chrono::nanoseconds(options_.lease).count();
    auto wrote =
        tx.exec(kWriteRow, {std::string(user), holder_, param(hold.held + bytes), param(lease)});
    if (!wrote) return std::move(wrote).error();
    return {};
  });
  if (!done) return std::move(done).error();
  quota = seen.quota;
  if (missing == 0) {
    hold.held += bytes;
    hold.written = hold.held;
    seen.reserved += bytes;
  }
  remember(user, seen);
  return missing;
}

StorageStatus PgQuotaLedger::reserve(std::string_view user, std::uint64_t bytes) {
  auto hold = hold_of(user);
  std::optional<std::uint64_t> quota;
  std::unique_lock writing(hold->writing);
  auto missing = try_reserve(user, *hold, bytes, quota);
  if (!missing) return std::move(missing).error();
  if (*missing == 0) return {};
  writing.unlock();
  // make_room drops versions through the storage, which takes the user's lock itself: never
  // inside the check's transaction.
  if (make_room_ && make_room_(user, *missing) > 0) {
    writing.lock();
    missing = try_reserve(user, *hold, bytes, quota);
    if (!missing) return std::move(missing).error();
    if (*missing == 0) return {};
  }
  return server::quota::quota_exceeded_error(bytes, bytes - *missing, quota.value_or(0));
}

void PgQuotaLedger::write_row(std::string_view user, Hold& hold) {
  if (hold.written == hold.held) return;
  auto lease = now_ns() + std::chrono::nanoseconds(options_.lease).count();
  auto wrote =
      hold.held == 0
          ? db_.exec("DELETE FROM netdisk.quota_reservations WHERE username = $1 AND holder = $2",
                     {std::string(user), holder_})
          : db_.exec(kWriteRow, {std::string(user), holder_, param(hold.held), param(lease)});
  if (wrote) hold.written = hold.held;
}

void PgQuotaLedger::settle(std::string_view user, std::uint64_t bytes) {
  auto hold = hold_of(user);
  std::lock_guard writing(hold->writing);
  hold->held -= std::min(bytes, hold->held);
  // The row may say more than is still to come for a while (other nodes see a little less
  // room), never less: one write per settle_batch bytes, not one per write.
  if (hold->held == 0 || hold->written - hold->held >= options_.settle_batch) {
    write_row(user, *hold);
  }
}

void PgQuotaLedger::unreserve(std::string_view user, std::uint64_t bytes) {
  auto hold = hold_of(user);
  std::lock_guard writing(hold->writing);
  hold->held -= std::min(bytes, hold->held);
  write_row(user, *hold);
}

server::quota::QuotaLedger::Usage PgQuotaLedger::usage(std::string_view user) const {
  std::lock_guard lock(mutex_);
  auto it = known_.find(user);
  if (it != known_.end()) return it->second;
  Usage none;
  if (options_.default_quota) none.quota = options_.default_quota(user);
  return none;
}

StorageStatus PgQuotaLedger::refresh(std::string_view user) {
  auto read = figures(db_, user, false);
  if (!read) return std::move(read).error();
  remember(user, *read);
  return {};
}

StorageStatus PgQuotaLedger::reconcile_once(std::string_view user, const Count&) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = known_.find(user); it != known_.end() && it->second.counted) return {};
  }
  return refresh(user);
}

void PgQuotaLedger::forget(std::string_view user) {
  std::lock_guard lock(mutex_);
  known_.erase(std::string(user));
}

StorageStatus PgQuotaLedger::renew() {
  std::vector<std::pair<std::string, std::shared_ptr<Hold>>> holds;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [user, hold] : holds_) holds.emplace_back(user, hold);
  }
  StorageStatus outcome;
  for (auto& [user, hold] : holds) {
    std::lock_guard writing(hold->writing);
    if (hold->held == 0 && hold->written == 0) continue;
    hold->written = hold->held + 1;  // differs: written again, whatever it said
    write_row(user, *hold);
    if (hold->written != hold->held)
      outcome = storage::storage_error(storage::StorageErrc::io_error,
                                       "a quota reservation could not be renewed");
  }
  return outcome;
}

void PgQuotaLedger::renew_loop() {
  std::unique_lock lock(stop_mutex_);
  auto every = std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease) / 3;
  while (!stop_wake_.wait_for(lock, every, [this] { return stopping_; })) {
    lock.unlock();
    (void)renew();
    lock.lock();
  }
}

}  // namespace netdisk::cluster
