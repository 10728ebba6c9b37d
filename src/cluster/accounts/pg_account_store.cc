#include "cluster/accounts/pg_account_store.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cluster/pg/pg_time.h"
#include "storage/byte_size.h"
#include "storage/username.h"

namespace netdisk::cluster {
namespace {

using pg::from_seconds;
using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using pg::PgStatus;
using pg::seconds_text;
using storage::UserRecord;
using Clock = std::chrono::system_clock;

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS netdisk.users (
  name_key      text PRIMARY KEY,
  name          text NOT NULL,
  password_hash text NOT NULL,
  registered_at timestamptz NOT NULL,
  last_login    timestamptz,
  state         text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
  quota         text NOT NULL DEFAULT '',
  role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin'))
);)";

// The columns every SELECT reads, in the order row_record() expects.
constexpr std::string_view kColumns =
    "name, password_hash, extract(epoch from registered_at)::bigint, "
    "extract(epoch from last_login)::bigint, state, quota, role";

UserRecord row_record(const PgResult& result, int row) {
  UserRecord record;
  record.name = std::string(result.text(row, 0));
  record.password_hash = std::string(result.text(row, 1));
  record.registered_at = from_seconds(result.text(row, 2));
  if (!result.is_null(row, 3)) record.last_login = from_seconds(result.text(row, 3));
  record.state = result.text(row, 4) == "disabled" ? storage::AccountState::disabled
                                                   : storage::AccountState::active;
  record.quota = std::string(result.text(row, 5));
  record.quota_bytes = record.quota.empty() ? std::nullopt : storage::parse_byte_size(record.quota);
  record.role = result.text(row, 6) == "admin" ? storage::UserRole::admin : storage::UserRole::user;
  return record;
}

// The parameters of an INSERT or an upsert: key, name, hash, registered, last login, state,
// quota, role.
Params record_params(const UserRecord& record) {
  return {storage::username_key(record.name),
          record.name,
          record.password_hash,
          seconds_text(record.registered_at),
          record.last_login ? std::optional(seconds_text(*record.last_login)) : std::nullopt,
          std::string(storage::account_state_name(record.state)),
          record.quota,
          std::string(storage::user_role_name(record.role))};
}

constexpr std::string_view kInsert =
    "INSERT INTO netdisk.users (name_key, name, password_hash, registered_at, last_login, "
    "state, quota, role) VALUES ($1, $2, $3, to_timestamp($4::bigint), "
    "to_timestamp($5::bigint), $6, $7, $8)";

Error no_user(std::string_view name) {
  return make_error(Errc::not_found, fmt::format("no user \"{}\"", name));
}

}  // namespace

Result<std::unique_ptr<PgAccountStore>> PgAccountStore::open(std::shared_ptr<pg::PgPool> pool) {
  if (auto made = pg::ensure_schema(*pool, "netdisk.users", kSchema); !made) {
    return made.error().to_error();
  }
  std::unique_ptr<PgAccountStore> store(new PgAccountStore(std::move(pool)));
  if (auto read = store->check_for_edits(); !read) return std::move(read).error();
  return store;
}

Result<std::vector<UserRecord>> PgAccountStore::read_all() {
  auto result =
      pool_->exec(fmt::format("SELECT {} FROM netdisk.users ORDER BY registered_at, "
                              "name_key",
                              kColumns));
  if (!result) return result.error().to_error();
  std::vector<UserRecord> users;
  users.reserve(static_cast<std::size_t>(result->rows()));
  for (int row = 0; row < result->rows(); ++row) users.push_back(row_record(*result, row));
  return users;
}

std::optional<UserRecord> PgAccountStore::find(std::string_view name) const {
  auto key = storage::username_key(name);
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return users_[it->second];
}

void PgAccountStore::keep(const std::string& key, std::optional<UserRecord> record) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it != index_.end() && record) {
    users_[it->second] = std::move(*record);
  } else if (record) {
    index_.emplace(key, users_.size());
    users_.push_back(std::move(*record));
  } else if (it != index_.end()) {
    users_.erase(users_.begin() + static_cast<std::ptrdiff_t>(it->second));
    index_.clear();
    for (std::size_t i = 0; i < users_.size(); ++i)
      index_[storage::username_key(users_[i].name)] = i;
  }
}

std::optional<UserRecord> PgAccountStore::find_fresh(std::string_view name) {
  auto key = storage::username_key(name);
  auto result =
      pool_->exec(fmt::format("SELECT {} FROM netdisk.users WHERE name_key = $1", kColumns), {key});
  if (!result) {
    report(fmt::format("reading user {:?}: {}", name, result.error().message));
    return find(name);  // what this node knew: better than refusing a login outright
  }
  std::optional<UserRecord> record;
  if (result->rows() == 1) record = row_record(*result, 0);
  keep(key, record);
  return record;
}

Status PgAccountStore::add(UserRecord record) {
  if (auto valid = storage::validate_username(record.name); !valid.ok()) return valid;
  if (record.password_hash.empty())
    return make_error(Errc::invalid_password, "an empty password hash");
  // Whole seconds, as users.xlsx keeps them: the same record on both backends.
  record.registered_at = std::chrono::time_point_cast<std::chrono::seconds>(record.registered_at);
  auto inserted = pool_->exec(kInsert, record_params(record));
  if (!inserted) {
    if (inserted.error().unique_violation()) {
      return make_error(Errc::user_exists, fmt::format("the name {} is taken", record.name));
    }
    return inserted.error().to_error();
  }
  auto key = storage::username_key(record.name);
  keep(key, std::move(record));
  return {};
}

Status PgAccountStore::set_password(std::string_view name, std::string password_hash) {
  if (password_hash.empty()) return make_error(Errc::invalid_password, "an empty password hash");
  auto key = storage::username_key(name);
  auto updated = pool_->exec("UPDATE netdisk.users SET password_hash = $2 WHERE name_key = $1",
                             {key, password_hash});
  if (!updated) return updated.error().to_error();
  if (updated->affected() == 0) return no_user(name);
  (void)find_fresh(name);
  return {};
}

Status PgAccountStore::update(std::string_view name, Change change) {
  auto key = storage::username_key(name);
  bool found = false;
  // Read, change and write under the row's lock: two administrators changing one user on two
  // nodes cannot lose each other's change.
  auto done = pg::in_transaction(*pool_, [&](PgConnection& connection) -> PgStatus {
    auto current = connection.exec(
        fmt::format("SELECT {} FROM netdisk.users WHERE name_key = $1 FOR UPDATE", kColumns),
        {key});
    if (!current) return current.error();
    found = current->rows() == 1;
    if (!found) return {};
    auto record = row_record(*current, 0);
    change(record);
    auto written = connection.exec(
        "UPDATE netdisk.users SET state = $2, quota = $3, role = $4 WHERE name_key = $1",
        {key, std::string(storage::account_state_name(record.state)), record.quota,
         std::string(storage::user_role_name(record.role))});
    if (!written) return written.error();
    return {};
  });
  if (!done) return done.error().to_error();
  if (!found) return no_user(name);
  (void)find_fresh(name);
  return {};
}

Status PgAccountStore::remove(std::string_view name) {
  auto key = storage::username_key(name);
  auto removed = pool_->exec("DELETE FROM netdisk.users WHERE name_key = $1", {key});
  if (!removed) return removed.error().to_error();
  if (removed->affected() == 0) return no_user(name);
  keep(key, std::nullopt);
  return {};
}

void PgAccountStore::note_login(std::string_view name, std::chrono::system_clock::time_point when) {
  auto key = storage::username_key(name);
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return;
  auto second = std::chrono::time_point_cast<std::chrono::seconds>(when);
  users_[it->second].last_login = second;
  pending_logins_[key] = second;
}

Status PgAccountStore::flush() {
  std::unordered_map<std::string, Clock::time_point> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(pending_logins_);
  }
  for (const auto& [key, when] : pending) {
    auto written = pool_->exec(
        "UPDATE netdisk.users SET last_login = to_timestamp($2::bigint) WHERE name_key = $1 AND "
        "(last_login IS NULL OR last_login < to_timestamp($2::bigint))",
        {key, seconds_text(when)});
    if (!written) {
      std::lock_guard lock(mutex_);
      for (const auto& [k, w] : pending) pending_logins_.try_emplace(k, w);  // next flush
      return written.error().to_error();
    }
  }
  return {};
}

Result<storage::AccountStore::Edits> PgAccountStore::check_for_edits() {
  auto all = read_all();
  if (!all) {
    report(fmt::format("reading netdisk.users: {}", all.error().message));
    return std::move(all).error();
  }
  Edits edits;
  std::lock_guard lock(mutex_);
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < all->size(); ++i) {
    auto key = storage::username_key((*all)[i].name);
    if (!index_.contains(key)) edits.added.push_back((*all)[i].name);
    // A login time noted here and not yet written wins over the older one read back.
    if (auto pending = pending_logins_.find(key); pending != pending_logins_.end())
      (*all)[i].last_login = pending->second;
    index.emplace(std::move(key), i);
  }
  for (const auto& user : users_) {
    if (!index.contains(storage::username_key(user.name))) edits.removed.push_back(user.name);
  }
  edits.reloaded = !edits.added.empty() || !edits.removed.empty();
  users_ = std::move(*all);
  index_ = std::move(index);
  return edits;
}

Status PgAccountStore::upsert_all(const std::vector<UserRecord>& records) {
  auto done = pg::in_transaction(*pool_, [&](PgConnection& connection) -> PgStatus {
    for (const auto& record : records) {
      auto written = connection.exec(
          std::string(kInsert) +
              " ON CONFLICT (name_key) DO UPDATE SET name = EXCLUDED.name, password_hash = "
              "EXCLUDED.password_hash, registered_at = EXCLUDED.registered_at, last_login = "
              "EXCLUDED.last_login, state = EXCLUDED.state, quota = EXCLUDED.quota, role = "
              "EXCLUDED.role",
          record_params(record));
      if (!written) return written.error();
    }
    return {};
  });
  if (!done) return done.error().to_error();
  return {};
}

void PgAccountStore::set_reporter(ReportFn report) {
  std::lock_guard lock(mutex_);
  report_ = std::move(report);
}

void PgAccountStore::report(const std::string& problem) {
  ReportFn report;
  {
    std::lock_guard lock(mutex_);
    report = report_;
  }
  if (report) report(problem);
}

std::size_t PgAccountStore::size() const {
  std::lock_guard lock(mutex_);
  return users_.size();
}

std::vector<std::string> PgAccountStore::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(users_.size());
  for (const auto& user : users_) out.push_back(user.name);
  return out;
}

}  // namespace netdisk::cluster
