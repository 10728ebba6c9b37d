#include "cluster/pg/pg.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "cluster/pg/pg_error_text.h"

namespace netdisk::cluster::pg {

std::string trimmed(const char* text) {
  std::string out = text ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

PgError error_of(PGconn* conn, PGresult* result) {
  PgError error;
  if (result != nullptr) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    error.sqlstate = state ? state : "";
    error.message = trimmed(PQresultErrorMessage(result));
  }
  if (error.message.empty()) error.message = trimmed(PQerrorMessage(conn));
  return error;
}

Error PgError::to_error() const {
  if (sqlstate.empty()) return make_error(Errc::server_busy, "the database cannot be reached");
  return make_error(Errc::io_error, "database error " + sqlstate);
}

PgResult::PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

PgResult::~PgResult() {
  if (result_) PQclear(result_);
}

int PgResult::rows() const { return PQntuples(result_); }

std::string_view PgResult::text(int row, int col) const {
  return {PQgetvalue(result_, row, col), static_cast<std::size_t>(PQgetlength(result_, row, col))};
}

bool PgResult::is_null(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

std::size_t PgResult::affected() const {
  const char* count = PQcmdTuples(result_);
  return (count && *count) ? std::strtoull(count, nullptr, 10) : 0;
}

PgResultOf<std::unique_ptr<PgConnection>> PgConnection::connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return PgError{"", "out of memory"};
  if (PQstatus(conn) != CONNECTION_OK) {
    PgError error{"", trimmed(PQerrorMessage(conn))};
    PQfinish(conn);
    return error;
  }
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

PgResultOf<PgResult> PgConnection::exec(std::string_view sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  const std::string text(sql);
  PGresult* raw = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
  return checked(raw);
}

PgResultOf<PgResult> PgConnection::exec_script(std::string_view sql) {
  const std::string text(sql);
  return checked(PQexec(conn_, text.c_str()));
}

PgResultOf<PgResult> PgConnection::checked(pg_result* raw) {
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    PgError error = error_of(conn_, raw);
    if (raw) PQclear(raw);
    return error;
  }
  return PgResult(raw);
}

PgPool::PgPool(std::string conninfo, std::size_t size)
    : conninfo_(std::move(conninfo)), size_(size == 0 ? 1 : size) {}

PgPool::~PgPool() = default;

PgPool::Lease::~Lease() {
  if (conn_) pool_->give_back(std::move(conn_));
}

PgResultOf<PgPool::Lease> PgPool::acquire() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [this] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;  // a slot reserved while connecting without the lock
  lock.unlock();
  auto connected = PgConnection::connect(conninfo_);
  if (!connected.ok()) {
    lock.lock();
    --open_;
    freed_.notify_one();
    return std::move(connected).error();
  }
  return Lease(this, std::move(*connected));
}

void PgPool::give_back(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  if (conn->healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // dropped; the next acquire() connects anew
  }
  freed_.notify_one();
}

PgResultOf<PgResult> PgPool::exec(std::string_view sql, const Params& params) {
  auto lease = acquire();
  if (!lease.ok()) return std::move(lease).error();
  return (*lease)->exec(sql, params);
}

PgStatus in_transaction(PgPool& pool, const std::function<PgStatus(PgConnection&)>& body,
                        int attempts) {
  PgError last{"", "no attempt"};
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto lease = pool.acquire();
    if (!lease.ok()) return std::move(lease).error();
    PgConnection& conn = **lease;
    if (auto begun = conn.exec("BEGIN"); !begun.ok()) return std::move(begun).error();
    PgStatus done = body(conn);
    if (done.ok()) {
      auto committed = conn.exec("COMMIT");
      if (committed.ok()) return {};
      last = std::move(committed).error();
    } else {
      last = done.error();
      (void)conn.exec("ROLLBACK");
    }
    if (!last.serialization_failure()) return last;
  }
  return last;
}

PgStatus ensure_schema(PgPool& pool, std::string_view name, std::string_view sql) {
  const std::string key(name);
  return in_transaction(pool, [&](PgConnection& conn) -> PgStatus {
    auto locked = conn.exec("SELECT pg_advisory_xact_lock(hashtext($1))", {key});
    if (!locked.ok()) return std::move(locked).error();
    auto schema = conn.exec("CREATE SCHEMA IF NOT EXISTS netdisk");
    if (!schema.ok()) return std::move(schema).error();
    auto made = conn.exec_script(sql);
    if (!made.ok()) return std::move(made).error();
    return {};
  });
}

}  // namespace netdisk::cluster::pg
