#include "cluster/pg/async_pg.h"

#include <libpq-fe.h>

#include <array>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cluster/pg/pg_error_text.h"

namespace netdisk::cluster::pg {

namespace asio = boost::asio;
using Clock = AsyncPgPool::Clock;

// One libpq connection in non-blocking mode. `timed_out` marks one whose query the deadline
// cut short: the server may still be running it, so it is cancelled, never reused.
class AsyncConnection {
 public:
  explicit AsyncConnection(PGconn* conn) noexcept : conn_(conn) {}
  ~AsyncConnection() {
    if (conn_ != nullptr) PQfinish(conn_);
  }
  AsyncConnection(const AsyncConnection&) = delete;
  AsyncConnection& operator=(const AsyncConnection&) = delete;

  PGconn* get() const noexcept { return conn_; }
  PGconn* release() noexcept { return std::exchange(conn_, nullptr); }
  bool dead() const { return timed_out || PQstatus(conn_) != CONNECTION_OK; }
  // Dead, or left inside a transaction: PostgreSQL rolls that back when the socket closes.
  bool reusable() const { return !dead() && PQtransactionStatus(conn_) == PQTRANS_IDLE; }
  bool timed_out = false;

 private:
  PGconn* conn_;
};

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
const char* const kDeadlineState = "57014";  // PostgreSQL's query_canceled
const Params kNoParams;

PgError deadline_error() { return PgError{kDeadlineState, "the database did not answer in time"}; }

// libpq's socket wrapped for one wait on the caller's executor. The descriptor is released,
// never closed: the socket stays libpq's. A fresh wrapper per wait also follows PQsocket when
// it changes (connecting tries each address in turn).
struct SocketWait {
  SocketWait(const asio::any_io_executor& executor, int fd)
      : socket(executor, fd), timer(executor) {}
  ~SocketWait() { socket.release(); }
  asio::posix::stream_descriptor socket;
  asio::steady_timer timer;
  bool expired = false;
};

enum class Ready { yes, deadline, failed };

// Cancels the wait when the deadline comes first. A plain function, not a lambda inside the
// coroutine: the handler keeps a weak_ptr (GCC 12 and coroutine-made closures, blocking.h).
void arm_deadline(const std::shared_ptr<SocketWait>& wait, Clock::time_point deadline) {
  wait->timer.expires_at(deadline);
  wait->timer.async_wait(
      [weak = std::weak_ptr<SocketWait>(wait)](const boost::system::error_code& ec) {
        auto alive = weak.lock();
        if (ec || !alive) return;
        alive->expired = true;
        boost::system::error_code ignored;
        alive->socket.cancel(ignored);
      });
}

// Waits until libpq's socket can be read (or written) or the deadline passes.
asio::awaitable<Ready> wait_socket(PGconn* conn, bool for_write, Clock::time_point deadline) {
  if (Clock::now() >= deadline) co_return Ready::deadline;
  int fd = PQsocket(conn);
  if (fd < 0) co_return Ready::failed;
  auto executor = co_await asio::this_coro::executor;
  auto wait = std::make_shared<SocketWait>(executor, fd);
  arm_deadline(wait, deadline);
  auto what = for_write ? asio::posix::stream_descriptor::wait_write
                        : asio::posix::stream_descriptor::wait_read;
  auto [ec] = co_await wait->socket.async_wait(what, kAsTuple);
  wait->timer.cancel();
  if (!ec) co_return Ready::yes;
  co_return wait->expired ? Ready::deadline : Ready::failed;
}

// PQconnectStart, then PQconnectPoll each time the socket is ready as it asks. A host name
// (rather than a socket folder or hostaddr) is resolved inside PQconnectStart, which blocks:
// cluster mode's conninfo names sockets or addresses.
asio::awaitable<PgResultOf<std::unique_ptr<AsyncConnection>>> open_connection(
    const std::string& conninfo, Clock::time_point deadline) {
  PGconn* raw = PQconnectStart(conninfo.c_str());
  if (raw == nullptr) co_return PgError{"", "out of memory"};
  auto conn = std::make_unique<AsyncConnection>(raw);
  if (PQstatus(raw) == CONNECTION_BAD) co_return PgError{"", trimmed(PQerrorMessage(raw))};
  PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
  while (poll != PGRES_POLLING_OK) {
    if (poll == PGRES_POLLING_FAILED) co_return PgError{"", trimmed(PQerrorMessage(raw))};
    auto ready = co_await wait_socket(raw, poll == PGRES_POLLING_WRITING, deadline);
    if (ready == Ready::deadline) co_return PgError{"", "the database did not answer in time"};
    if (ready == Ready::failed) co_return PgError{"", "the database connection failed"};
    poll = PQconnectPoll(raw);
  }
  if (PQsetnonblocking(raw, 1) != 0) co_return PgError{"", trimmed(PQerrorMessage(raw))};
  co_return std::move(conn);
}

// Sends the whole query out (PQflush until it says done).
asio::awaitable<PgStatus> send_query(AsyncConnection& conn, const std::string& sql,
                                     const Params& params, Clock::time_point deadline) {
  PGconn* raw = conn.get();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  if (PQsendQueryParams(raw, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0) {
    co_return error_of(raw, nullptr);
  }
  for (;;) {
    int flushed = PQflush(raw);
    if (flushed == 0) co_return PgStatus{};
    if (flushed < 0) co_return error_of(raw, nullptr);
    auto ready = co_await wait_socket(raw, true, deadline);
    if (ready == Ready::deadline) {
      conn.timed_out = true;
      co_return deadline_error();
    }
    if (ready == Ready::failed || PQconsumeInput(raw) == 0) co_return error_of(raw, nullptr);
  }
}

// Reads every result of the query sent: the last one, or the first error among them.
asio::awaitable<PgResultOf<PgResult>> read_results(AsyncConnection& conn,
                                                   Clock::time_point deadline) {
  PGconn* raw = conn.get();
  std::optional<PgResult> last;
  std::optional<PgError> failure;
  for (;;) {
    if (PQisBusy(raw) != 0) {
      auto ready = co_await wait_socket(raw, false, deadline);
      if (ready == Ready::deadline) {
        conn.timed_out = true;
        co_return deadline_error();
      }
      if (ready == Ready::failed || PQconsumeInput(raw) == 0) co_return error_of(raw, nullptr);
      continue;
    }
    PGresult* result = PQgetResult(raw);
    if (result == nullptr) break;
    auto status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      last.emplace(result);
    } else {
      if (!failure) failure = error_of(raw, result);
      PQclear(result);
    }
  }
  if (failure) co_return std::move(*failure);
  if (!last) co_return PgError{"", "the database sent no result"};
  co_return std::move(*last);
}

}  // namespace

struct AsyncPgPool::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  bool granted = false;  // `grant` holds what a give_back or a freed slot handed over
  Grant grant;
};

namespace {

// Wakes a queued acquire() on its own executor (a timer is not thread-safe).
template <typename Waiter>
void wake(const std::shared_ptr<Waiter>& waiter) {
  asio::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
}

}  // namespace

AsyncPgPool::AsyncPgPool(std::string conninfo, asio::thread_pool& blocking, Options options)
    : conninfo_(std::move(conninfo)), blocking_(blocking), options_(options) {}

AsyncPgPool::~AsyncPgPool() = default;

std::size_t AsyncPgPool::open_connections() {
  std::lock_guard guard(mutex_);
  return open_;
}

AsyncPgPool::Grant AsyncPgPool::take_or_queue(const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard guard(mutex_);
  Grant grant;
  if (!idle_.empty()) {
    grant.conn = std::move(idle_.front());
    idle_.pop_front();
  } else if (open_ < options_.size) {
    ++open_;
    grant.may_open = true;
  } else {
    waiters_.push_back(waiter);
  }
  return grant;
}

bool AsyncPgPool::leave_queue(const std::shared_ptr<Waiter>& waiter, Grant& grant) {
  std::lock_guard guard(mutex_);
  if (waiter->granted) {
    grant = std::move(waiter->grant);
    return true;
  }
  std::erase(waiters_, waiter);
  return false;
}

void AsyncPgPool::give_back(std::unique_ptr<AsyncConnection> conn) {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard guard(mutex_);
    if (waiters_.empty()) {
      idle_.push_back(std::move(conn));
      return;
    }
    next = std::move(waiters_.front());
    waiters_.pop_front();
    next->granted = true;
    next->grant.conn = std::move(conn);
  }
  wake(next);
}

void AsyncPgPool::release_slot() {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard guard(mutex_);
    if (waiters_.empty()) {
      --open_;
      return;
    }
    // The slot passes straight to the next caller, who opens a connection in it.
    next = std::move(waiters_.front());
    waiters_.pop_front();
    next->granted = true;
    next->grant.may_open = true;
  }
  wake(next);
}

void AsyncPgPool::drop(std::unique_ptr<AsyncConnection> conn, bool cancel) {
  if (cancel) {
    // The server may still be running the query (holding its locks): ask it to stop. PQcancel
    // opens a connection of its own and waits, so it runs on the blocking pool.
    PGconn* raw = conn->release();
    asio::post(blocking_, [raw] {
      if (PGcancel* handle = PQgetCancel(raw)) {
        std::array<char, 256> reason{};
        PQcancel(handle, reason.data(), static_cast<int>(reason.size()));
        PQfreeCancel(handle);
      }
      PQfinish(raw);
    });
  }
  conn.reset();  // a broken connection: closing its socket does not wait
  release_slot();
}

asio::awaitable<PgResultOf<AsyncPgPool::Lease>> AsyncPgPool::acquire() {
  auto executor = co_await asio::this_coro::executor;
  auto deadline = Clock::now() + options_.deadline;
  auto waiter = std::make_shared<Waiter>(executor);
  Grant grant = take_or_queue(waiter);
  if (!grant.conn && !grant.may_open) {
    waiter->timer.expires_at(deadline);
    auto [ec] = co_await waiter->timer.async_wait(kAsTuple);
    (void)ec;  // cancelled by wake(), or the deadline: leave_queue() tells which
    if (!leave_queue(waiter, grant)) {
      co_return PgError{"", "no database connection came free in time"};
    }
  }
  if (grant.conn) co_return Lease(this, std::move(grant.conn), deadline);
  auto opened = co_await open_connection(conninfo_, deadline);
  if (!opened) {
    release_slot();
    co_return std::move(opened).error();
  }
  co_return Lease(this, std::move(*opened), deadline);
}

asio::awaitable<PgResultOf<PgResult>> AsyncPgPool::query(std::string_view sql,
                                                         const Params& params) {
  auto lease = co_await acquire();
  if (!lease) co_return std::move(lease).error();
  auto result = co_await lease->exec(sql, params);
  co_return result;
}

asio::awaitable<PgResultOf<PgResult>> AsyncPgPool::query(std::string_view sql) {
  auto result = co_await query(sql, kNoParams);
  co_return result;
}

AsyncPgPool::Lease::Lease(AsyncPgPool* pool, std::unique_ptr<AsyncConnection> conn,
                          Clock::time_point deadline)
    : pool_(pool), conn_(std::move(conn)), deadline_(deadline) {}

AsyncPgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), deadline_(other.deadline_) {}

AsyncPgPool::Lease& AsyncPgPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    give_back();
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
    deadline_ = other.deadline_;
  }
  return *this;
}

AsyncPgPool::Lease::~Lease() { give_back(); }

void AsyncPgPool::Lease::give_back() {
  if (!conn_) return;
  if (conn_->reusable()) {
    pool_->give_back(std::move(conn_));
  } else {
    bool cancel = conn_->timed_out;
    pool_->drop(std::move(conn_), cancel);
  }
}

asio::awaitable<PgResultOf<PgResult>> AsyncPgPool::Lease::exec(std::string_view sql) {
  auto result = co_await exec(sql, kNoParams);
  co_return result;
}

asio::awaitable<PgResultOf<PgResult>> AsyncPgPool::Lease::exec(std::string_view sql,
                                                               const Params& params) {
  if (!conn_) co_return PgError{"", "the database connection was dropped"};
  std::string text(sql);  // NUL-terminated for libpq
  auto sent = co_await send_query(*conn_, text, params, deadline_);
  if (!sent.ok()) {
    if (conn_->dead()) give_back();  // dropped now: a later exec must not reuse it
    co_return std::move(sent).error();
  }
  auto result = co_await read_results(*conn_, deadline_);
  if (conn_->dead()) give_back();
  co_return result;
}

}  // namespace netdisk::cluster::pg
