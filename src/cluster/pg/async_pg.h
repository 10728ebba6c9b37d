// AsyncPgPool: a non-blocking PostgreSQL client for coroutines on Asio (issue #22): libpq in
// non-blocking mode (PQconnectStart/PQconnectPoll, PQsendQueryParams, PQflush,
// PQconsumeInput), its socket awaited on the CALLER's executor, so an I/O thread may query
// PostgreSQL without ever blocking. At most Options::size connections, one query at a time
// each; callers beyond that queue. Every call has a deadline; a query that outlives it is
// cancelled (PQcancel, on the blocking pool) and its connection dropped, as is a connection
// that broke: the next caller opens a fresh one. Thread-safe; a caller's executor must run on
// one thread at a time (an I/O worker's io_context, or a strand).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cluster/pg/pg.h"

namespace netdisk::cluster::pg {

class AsyncConnection;

class AsyncPgPool {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::size_t size = 4;
    std::chrono::milliseconds deadline{5000};  // per call: waiting for a connection and the query
  };

  // `blocking` only runs what libpq cannot do without blocking: PQcancel and PQfinish of a
  // connection dropped mid-query.
  AsyncPgPool(std::string conninfo, boost::asio::thread_pool& blocking, Options options);
  ~AsyncPgPool();
  AsyncPgPool(const AsyncPgPool&) = delete;
  AsyncPgPool& operator=(const AsyncPgPool&) = delete;

  // One connection for a few statements in a row (a transaction), all under one deadline.
  // Given back on destruction; a connection left inside a transaction, broken, or timed out is
  // dropped instead (PostgreSQL then rolls its transaction back).
  class Lease {
   public:
    Lease() = default;
    Lease(AsyncPgPool* pool, std::unique_ptr<AsyncConnection> conn, Clock::time_point deadline);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    // One statement, parameters sent apart from the SQL. Errors: the server's (with its
    // SQLSTATE), or an empty sqlstate when the connection broke or the deadline passed
    // ("57014" then, as PostgreSQL names a cancelled query).
    // Arguments by reference, so a co_await of this call holds no non-trivial temporary
    // (GCC 12 may destroy those twice); the caller's `sql` and `params` outlive the await.
    boost::asio::awaitable<PgResultOf<PgResult>> exec(std::string_view sql, const Params& params);
    boost::asio::awaitable<PgResultOf<PgResult>> exec(std::string_view sql);

   private:
    void give_back();
    AsyncPgPool* pool_ = nullptr;
    std::unique_ptr<AsyncConnection> conn_;
    Clock::time_point deadline_{};
  };

  // A connection within the deadline: an idle one, a new one, or the next one given back.
  // Errors: empty sqlstate when the server cannot be reached or none came free in time.
  boost::asio::awaitable<PgResultOf<Lease>> acquire();
  // One statement on a pooled connection, outside any transaction.
  boost::asio::awaitable<PgResultOf<PgResult>> query(std::string_view sql, const Params& params);
  boost::asio::awaitable<PgResultOf<PgResult>> query(std::string_view sql);

  // Connections open now (idle and lent): what the pool bound is about.
  std::size_t open_connections();

 private:
  struct Waiter;
  // What acquire() got under the mutex: a connection, the right to open one, or a place in line.
  struct Grant {
    std::unique_ptr<AsyncConnection> conn;
    bool may_open = false;
  };
  Grant take_or_queue(const std::shared_ptr<Waiter>& waiter);
  bool leave_queue(const std::shared_ptr<Waiter>& waiter, Grant& grant);
  void give_back(std::unique_ptr<AsyncConnection> conn);
  // A connection is gone (broken, timed out, failed to open): its place goes to the next caller.
  void release_slot();
  void drop(std::unique_ptr<AsyncConnection> conn, bool cancel);

  const std::string conninfo_;
  boost::asio::thread_pool& blocking_;
  const Options options_;
  std::mutex mutex_;
  std::deque<std::unique_ptr<AsyncConnection>> idle_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::size_t open_ = 0;  // idle, lent, and being opened
};

}  // namespace netdisk::cluster::pg
