// PgAccountStore: the accounts of a cluster in PostgreSQL (table netdisk.users, one row per
// user, unique by the lower-case name), shared by every node. find() must never block an I/O
// thread, so each node keeps an in-memory copy of the table: read whole at start-up and by
// each check_for_edits() (AccountService runs it on the blocking pool every few seconds), and
// one user's row again by find_fresh() (a login or token of a user this node does not know
// yet; a revocation another node published). Writes go to PostgreSQL first, then to the copy;
// a registration is one INSERT whose unique violation is user_exists, so two nodes
// registering one name at once cannot both succeed. Thread-safe; every call but find(),
// size(), names() and note_login() blocks on PostgreSQL: blocking pool only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/pg/pg.h"
#include "storage/account_store.h"

namespace netdisk::cluster {

class PgAccountStore final : public storage::AccountStore {
 public:
  // Creates netdisk.users if needed (ensure_schema) and reads it. Errors: server_busy or
  // io_error when PostgreSQL cannot be reached or refuses.
  static Result<std::unique_ptr<PgAccountStore>> open(std::shared_ptr<pg::PgPool> pool);

  std::optional<storage::UserRecord> find(std::string_view name) const override;
  std::optional<storage::UserRecord> find_fresh(std::string_view name) override;
  Status add(storage::UserRecord record) override;
  Status set_password(std::string_view name, std::string password_hash) override;
  Status update(std::string_view name, Change change) override;
  Status remove(std::string_view name) override;
  void note_login(std::string_view name, std::chrono::system_clock::time_point when) override;
  Status flush() override;
  Result<Edits> check_for_edits() override;
  void set_reporter(ReportFn report) override;
  std::size_t size() const override;
  std::vector<std::string> names() const override;
  std::string describe() const override { return "PostgreSQL table netdisk.users"; }

  // Every account as PostgreSQL holds it now, oldest registration first (export-users).
  Result<std::vector<storage::UserRecord>> read_all();
  // Inserts or replaces each account by name (import-users), in one transaction.
  Status upsert_all(const std::vector<storage::UserRecord>& records);

 private:
  explicit PgAccountStore(std::shared_ptr<pg::PgPool> pool) : pool_(std::move(pool)) {}
  // Replaces (or, with nullopt, drops) the copy of the user of `key`.
  void keep(const std::string& key, std::optional<storage::UserRecord> record);
  void report(const std::string& problem);

  std::shared_ptr<pg::PgPool> pool_;
  mutable std::mutex mutex_;
  std::vector<storage::UserRecord> users_;              // oldest registration first
  std::unordered_map<std::string, std::size_t> index_;  // username_key -> position in users_
  std::unordered_map<std::string, std::chrono::system_clock::time_point> pending_logins_;
  ReportFn report_;
};

}  // namespace netdisk::cluster
