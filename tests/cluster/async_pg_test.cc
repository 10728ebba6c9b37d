// The non-blocking PostgreSQL client (src/cluster/pg/async_pg.h) against a scratch
// PostgreSQL: many coroutines querying at once through a small pool on one thread, a killed
// backend reported and replaced, a query cut at its deadline (and cancelled on the server),
// and the io_context's thread never blocked while queries run.
#include "cluster/pg/async_pg.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tests/cluster/scratch_services.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::cluster::pg {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class AsyncPgTest : public cluster_test::WithSuitePostgres {
 protected:
  AsyncPgPool make_pool(std::size_t size, std::chrono::milliseconds deadline = 10s) {
    return AsyncPgPool(postgres().conninfo(), blocking_, {size, deadline});
  }
  // Runs `body` as a coroutine on a one-thread io_context until it and everything it spawned end.
  template <typename Body>
  void run(Body body) {
    asio::io_context io;
    asio::co_spawn(io, std::move(body), [](std::exception_ptr failure) {
      if (failure) std::rethrow_exception(failure);
    });
    io.run();
  }
  // Backends running "SELECT pg_sleep(<seconds>)...".
  int sleepers(const std::string& seconds) {
    return std::stoi(
        postgres().psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(" +
                        seconds + ")%'"));
  }
  asio::thread_pool blocking_{1};
};

asio::awaitable<std::string> backend_pid(AsyncPgPool& pool) {
  auto pid = co_await pool.query("SELECT pg_backend_pid()::text");
  co_return pid.ok() ? std::string(pid->text(0, 0)) : std::string();
}

TEST_F(AsyncPgTest, AQueryReturnsItsRowsWithParametersApart) {
  auto pool = make_pool(1);
  run([&pool]() -> asio::awaitable<void> {
    // Named first: GCC 12 mishandles braced temporaries inside a co_await expression.
    Params params{"it's'; DROP TABLE x; --", std::nullopt};
    auto result = co_await pool.query("SELECT $1::text, $2::text IS NULL", params);
    EXPECT_TRUE(result.ok()) << result.error().message;
    if (!result.ok()) co_return;
    EXPECT_EQ(result->rows(), 1);
    EXPECT_EQ(result->text(0, 0), "it's'; DROP TABLE x; --");
    EXPECT_EQ(result->text(0, 1), "t");
  });
}

TEST_F(AsyncPgTest, AnSqlErrorKeepsItsSqlstateAndTheConnectionStaysUsable) {
  auto pool = make_pool(1);
  run([&pool]() -> asio::awaitable<void> {
    auto failed = co_await pool.query("SELECT 1/0");
    EXPECT_FALSE(failed.ok());
    if (!failed.ok()) {
      EXPECT_EQ(failed.error().sqlstate, "22012");
    }
    auto next = co_await pool.query("SELECT 2");
    EXPECT_TRUE(next.ok());
  });
  EXPECT_EQ(pool.open_connections(), 1u);
}

TEST_F(AsyncPgTest, ManyCoroutinesShareAFewConnectionsOnOneThread) {
  auto pool = make_pool(3);
  std::atomic<int> good{0};
  asio::io_context io;
  for (int i = 0; i < 40; ++i) {
    asio::co_spawn(
        io,
        [&pool, &good, i]() -> asio::awaitable<void> {
          // Each query holds its connection a little, so callers must queue for the three.
          Params params{std::to_string(i)};
          auto result = co_await pool.query("SELECT $1::int * 2, pg_sleep(0.01)", params);
          if (result.ok() && result->text(0, 0) == std::to_string(i * 2)) ++good;
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(good.load(), 40);
  EXPECT_LE(pool.open_connections(), 3u);
}

TEST_F(AsyncPgTest, ATransactionOnALeaseRollsBackWhenDroppedMidway) {
  auto pool = make_pool(1);
  postgres().psql("CREATE TABLE IF NOT EXISTS public.async_tx (k text)");  // throws on failure
  run([&pool]() -> asio::awaitable<void> {
    {
      auto lease = co_await pool.acquire();
      EXPECT_TRUE(lease.ok());
      if (!lease.ok()) co_return;
      auto begun = co_await lease->exec("BEGIN");
      EXPECT_TRUE(begun.ok());
      auto inserted = co_await lease->exec("INSERT INTO public.async_tx VALUES ('x')");
      EXPECT_TRUE(inserted.ok());
    }  // no COMMIT: the lease drops the connection, and PostgreSQL rolls back
    auto count = co_await pool.query("SELECT count(*) FROM public.async_tx");
    EXPECT_TRUE(count.ok());
    if (count.ok()) {
      EXPECT_EQ(count->text(0, 0), "0");
    }
  });
}

TEST_F(AsyncPgTest, AKilledBackendIsAnErrorThenThePoolReconnects) {
  auto pool = make_pool(1);
  std::string first_pid, second_pid;
  bool failed = false;
  // The killer runs on its own thread: psql blocks, and this io_context's thread must not.
  std::thread killer([this] {
    auto running = [this] { return sleepers("30") > 0; };
    if (e2e::wait_until(running, 20s)) {
      postgres().psql(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE "
          "'SELECT pg_sleep(30)%'");
    }
  });
  run([&]() -> asio::awaitable<void> {
    first_pid = co_await backend_pid(pool);
    auto killed = co_await pool.query("SELECT pg_sleep(30) /* killed */");
    failed = !killed.ok();
    second_pid = co_await backend_pid(pool);
  });
  killer.join();
  EXPECT_TRUE(failed);
  EXPECT_FALSE(first_pid.empty());
  EXPECT_FALSE(second_pid.empty());
  EXPECT_NE(first_pid, second_pid);
}

TEST_F(AsyncPgTest, AQueryPastItsDeadlineFailsAndIsCancelledOnTheServer) {
  auto pool = make_pool(1, 300ms);
  PgError error;
  auto started = std::chrono::steady_clock::now();
  run([&]() -> asio::awaitable<void> {
    auto slow = co_await pool.query("SELECT pg_sleep(20) /* deadline */");
    if (!slow.ok()) error = slow.error();
  });
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(error.sqlstate, "57014") << error.message;
  EXPECT_LT(took, 10s);
  // PQcancel reached the server: the sleep is gone long before its 20 s.
  auto gone = [this] { return sleepers("20") == 0; };
  EXPECT_TRUE(e2e::wait_until(gone, 10s));
  run([&pool]() -> asio::awaitable<void> {
    auto fresh = co_await pool.query("SELECT 1");  // a fresh connection
    EXPECT_TRUE(fresh.ok());
  });
}

TEST_F(AsyncPgTest, TheIoThreadKeepsTurningWhileQueriesRun) {
  auto pool = make_pool(2);
  int ticks = 0;
  bool done = false;
  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (!done) {
          timer.expires_after(10ms);
          co_await timer.async_wait(asio::use_awaitable);
          ++ticks;
        }
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto slept = co_await pool.query("SELECT pg_sleep(0.6)");
        EXPECT_TRUE(slept.ok());
        done = true;
      },
      asio::detached);
  io.run();
  // A blocking client would have held the one thread for the whole 0.6 s: no tick at all.
  EXPECT_GE(ticks, 10);
}

TEST_F(AsyncPgTest, AnUnreachableServerIsAnErrorWithoutSqlstate) {
  AsyncPgPool pool("host=/nonexistent/netdisk-socket-folder dbname=x", blocking_, {1, 2s});
  run([&pool]() -> asio::awaitable<void> {
    auto result = co_await pool.query("SELECT 1");
    EXPECT_FALSE(result.ok());
    if (!result.ok()) {
      EXPECT_TRUE(result.error().sqlstate.empty());
    }
  });
  EXPECT_EQ(pool.open_connections(), 0u);
}

}  // namespace
}  // namespace netdisk::cluster::pg
