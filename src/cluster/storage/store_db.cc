// StoreDb (store_db.h): statements and locked transactions on the pool's connections.
#include "cluster/storage/store_db.h"

#include <charconv>

#include <fmt/format.h>

namespace netdisk::cluster {

using storage::StorageErrc;
using storage::StorageStatus;

// libpq's message may name the socket folder or the host: the client sees only the SQLSTATE.
storage::StorageError db_failure(const pg::PgError& error) {
  return storage::storage_error(
      StorageErrc::io_error,
      error.sqlstate.empty()
          ? std::string("the namespace database is unreachable")
          : fmt::format("the namespace database failed (SQLSTATE {})", error.sqlstate));
}

storage::StorageResult<pg::PgResult> StoreTx::exec(std::string_view sql,
                                                   const SqlParams& params) const {
  auto result = connection_.exec(sql, params);
  if (!result) return db_failure(result.error());
  return std::move(*result);
}

storage::StorageResult<pg::PgResult> StoreDb::exec(std::string_view sql,
                                                   const SqlParams& params) const {
  auto result = pool_->exec(sql, params);
  if (!result) return db_failure(result.error());
  return std::move(*result);
}

// READ COMMITTED and the user's advisory lock taken first: every writer of one user queues on
// that lock, so there is no serialization failure to retry and no deadlock between users.
StorageStatus StoreDb::locked(std::string_view user,
                              const std::function<StorageStatus(StoreTx&)>& fn) const {
  auto lease = pool_->acquire();
  if (!lease) return db_failure(lease.error());
  StoreTx tx(**lease);
  if (auto begun = tx.exec("BEGIN"); !begun) return std::move(begun).error();
  auto locked = tx.exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 22))",
                        {std::string("netdisk-space:") + std::string(user)});
  StorageStatus outcome = locked ? fn(tx) : StorageStatus(std::move(locked).error());
  if (!outcome) {
    (void)tx.exec("ROLLBACK");
    return outcome;
  }
  if (auto committed = tx.exec("COMMIT"); !committed) return std::move(committed).error();
  return {};
}

std::int64_t column_i64(const pg::PgResult& result, int row, int col) {
  if (result.is_null(row, col)) return 0;
  auto text = result.text(row, col);
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::optional<std::string> column_text(const pg::PgResult& result, int row, int col) {
  if (result.is_null(row, col)) return std::nullopt;
  return std::string(result.text(row, col));
}

}  // namespace netdisk::cluster
