// A thin RAII layer over libpq for cluster mode (issue #22): connections, results, a bounded
// pool, transactions and schema creation. Every call blocks on the network, so it runs on the
// server's blocking pool, never an I/O thread. Parameters are always sent separately from the
// SQL text (PQexecParams), never spliced into it. PgPool is thread-safe; a PgConnection has
// one user at a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct pg_conn;
struct pg_result;

namespace netdisk::cluster::pg {

// What PostgreSQL (or libpq) said. `sqlstate` is the five-character SQLSTATE ("23505": a
// unique violation, "40001": a serialization failure), empty when no server answered.
struct PgError {
  std::string sqlstate;
  std::string message;

  bool unique_violation() const { return sqlstate == "23505"; }
  bool serialization_failure() const { return sqlstate == "40001" || sqlstate == "40P01"; }
  // As the server's error: io_error naming the database, server_busy when it cannot be reached.
  Error to_error() const;
};

template <typename T>
using PgResultOf = BasicResult<T, PgError>;
using PgStatus = PgResultOf<void>;
using Params = std::vector<std::optional<std::string>>;  // nullopt is SQL NULL

// One query's rows, as text.
class PgResult {
 public:
  explicit PgResult(pg_result* result) noexcept : result_(result) {}
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  std::string_view text(int row, int col) const;
  bool is_null(int row, int col) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  std::size_t affected() const;

 private:
  pg_result* result_;
};

class PgConnection {
 public:
  // Connects with a libpq connection string; fails with an empty sqlstate when unreachable.
  static PgResultOf<std::unique_ptr<PgConnection>> connect(const std::string& conninfo);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  PgResultOf<PgResult> exec(std::string_view sql, const Params& params = {});
  // Several statements without parameters (schema scripts), through PQexec.
  PgResultOf<PgResult> exec_script(std::string_view sql);
  // False once the connection broke (the pool then replaces it).
  bool healthy() const;

 private:
  explicit PgConnection(pg_conn* conn) noexcept : conn_(conn) {}
  // The result, or the error it carries (the result is freed then).
  PgResultOf<PgResult> checked(pg_result* raw);
  pg_conn* conn_;
};

// At most `size` connections, opened on demand; acquire() waits for a free one.
class PgPool {
 public:
  PgPool(std::string conninfo, std::size_t size);
  ~PgPool();

  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };
  PgResultOf<Lease> acquire();

  // One statement on a pooled connection, outside any transaction.
  PgResultOf<PgResult> exec(std::string_view sql, const Params& params = {});

 private:
  void give_back(std::unique_ptr<PgConnection> conn);

  const std::string conninfo_;
  const std::size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t open_ = 0;  // idle ones and those lent out
};

// Runs `body` between BEGIN and COMMIT on one pooled connection (ROLLBACK when it fails).
// A serialization failure or deadlock is retried, up to `attempts` times in all, since
// PostgreSQL asks the client to do exactly that; `body` must therefore have no effects outside
// the transaction.
PgStatus in_transaction(PgPool& pool, const std::function<PgStatus(PgConnection&)>& body,
                        int attempts = 5);

// Creates the schema "netdisk" and runs `sql` (CREATE TABLE IF NOT EXISTS ...) inside one
// transaction holding an advisory lock keyed by `name`, so nodes starting together do it once.
PgStatus ensure_schema(PgPool& pool, std::string_view name, std::string_view sql);

}  // namespace netdisk::cluster::pg
