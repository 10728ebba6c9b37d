// StoreDb: how the cluster backend talks to PostgreSQL. One statement at a time outside a
// transaction (reads), or a function run inside BEGIN ... COMMIT while holding the user's
// advisory transaction lock, so every change to one user's namespace is serialised across all
// nodes (the "space lock" of the storage interface) and a TargetCheck runs under it. Failures
// are StorageErrors (io_error, the SQLSTATE in the message, never the connection string).
// Thread-safe (the pool is); every call blocks: blocking pool only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/pg/pg.h"
#include "storage/storage_error.h"

namespace netdisk::cluster {

using SqlParams = pg::Params;

// Runs one statement with text parameters.
class SqlRunner {
 public:
  virtual ~SqlRunner() = default;
  virtual storage::StorageResult<pg::PgResult> exec(std::string_view sql,
                                                    const SqlParams& params = {}) const = 0;
};

// The statements of one transaction, on the connection it holds.
class StoreTx final : public SqlRunner {
 public:
  explicit StoreTx(pg::PgConnection& connection) : connection_(connection) {}
  storage::StorageResult<pg::PgResult> exec(std::string_view sql,
                                            const SqlParams& params = {}) const override;

 private:
  pg::PgConnection& connection_;
};

class StoreDb final : public SqlRunner {
 public:
  explicit StoreDb(std::shared_ptr<pg::PgPool> pool) : pool_(std::move(pool)) {}

  // One statement in its own implicit transaction.
  storage::StorageResult<pg::PgResult> exec(std::string_view sql,
                                            const SqlParams& params = {}) const override;

  // Runs `fn` in a transaction holding `user`'s lock: committed when it returns ok, rolled
  // back otherwise (its error is returned as it is).
  storage::StorageStatus locked(std::string_view user,
                                const std::function<storage::StorageStatus(StoreTx&)>& fn) const;

  template <typename T, typename Fn>
  storage::StorageResult<T> locked_result(std::string_view user, Fn&& fn) const {
    std::optional<T> out;
    auto status = locked(user, [&](StoreTx& tx) -> storage::StorageStatus {
      auto result = fn(tx);
      if (!result) return std::move(result).error();
      out.emplace(std::move(*result));
      return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*out);
  }

 private:
  std::shared_ptr<pg::PgPool> pool_;
};

// A database failure as a StorageError (io_error; the SQLSTATE kept in the message).
storage::StorageError db_failure(const pg::PgError& error);

// Column helpers: a bigint column (0 when NULL), a nullable text column.
std::int64_t column_i64(const pg::PgResult& result, int row, int col);
std::optional<std::string> column_text(const pg::PgResult& result, int row, int col);
inline std::string param(std::int64_t value) { return std::to_string(value); }
inline std::string param(std::uint64_t value) { return std::to_string(value); }
inline std::string param(bool value) { return value ? "true" : "false"; }

}  // namespace netdisk::cluster
