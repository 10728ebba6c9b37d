// The libpq layer (src/cluster/pg/pg.h) against a scratch PostgreSQL: parameters never
// spliced into SQL, SQLSTATEs kept, transactions rolled back on failure, the schema made once
// by nodes starting together, and an unreachable server reported as such.
#include "cluster/pg/pg.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/cluster/scratch_services.h"

namespace netdisk::cluster::pg {
namespace {

// Every case shares one scratch PostgreSQL.
class PgTest : public cluster_test::WithSuitePostgres {};

TEST_F(PgTest, ParametersTravelApartFromTheStatement) {
  PgPool pool(postgres().conninfo(), 2);
  auto result =
      pool.exec("SELECT $1::text, $2::text IS NULL", {"it's'; DROP TABLE x; --", std::nullopt});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result->rows(), 1);
  EXPECT_EQ(result->text(0, 0), "it's'; DROP TABLE x; --");
  EXPECT_EQ(result->text(0, 1), "t");
}

TEST_F(PgTest, AUniqueViolationKeepsItsSqlstate) {
  PgPool pool(postgres().conninfo(), 1);
  const char* table = "CREATE TABLE IF NOT EXISTS netdisk.pg_test_unique (k text PRIMARY KEY)";
  ASSERT_TRUE(ensure_schema(pool, "pg_test.unique", table).ok());
  ASSERT_TRUE(pool.exec("INSERT INTO netdisk.pg_test_unique VALUES ($1)", {"a"}).ok());
  auto again = pool.exec("INSERT INTO netdisk.pg_test_unique VALUES ($1)", {"a"});
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().unique_violation()) << again.error().sqlstate;
  EXPECT_EQ(again.error().to_error().code, Errc::io_error);
}

TEST_F(PgTest, AFailedTransactionLeavesNothingBehind) {
  PgPool pool(postgres().conninfo(), 1);
  ASSERT_TRUE(ensure_schema(pool, "pg_test.tx",
                            "CREATE TABLE IF NOT EXISTS netdisk.pg_test_tx (k text PRIMARY KEY)")
                  .ok());
  auto failed = in_transaction(pool, [](PgConnection& conn) -> PgStatus {
    auto first = conn.exec("INSERT INTO netdisk.pg_test_tx VALUES ('kept?')");
    if (!first.ok()) return std::move(first).error();
    auto second = conn.exec("SELECT 1/0");  // fails: the first insert must go too
    if (!second.ok()) return std::move(second).error();
    return {};
  });
  ASSERT_FALSE(failed.ok());
  auto count = pool.exec("SELECT count(*) FROM netdisk.pg_test_tx");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->text(0, 0), "0");
  // The connection went back to the pool usable (not stuck in an aborted transaction).
  EXPECT_TRUE(pool.exec("SELECT 1").ok());
}

TEST_F(PgTest, NodesStartingTogetherCreateTheSchemaOnce) {
  std::vector<std::thread> nodes;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    nodes.emplace_back([&, i] {
      PgPool pool(postgres().conninfo(), 1);
      ok[i] = ensure_schema(pool, "pg_test.together",
                            "CREATE TABLE IF NOT EXISTS netdisk.pg_test_together (k int);"
                            "CREATE INDEX IF NOT EXISTS pg_test_together_k "
                            "ON netdisk.pg_test_together (k)")
                  .ok();
    });
  }
  for (auto& node : nodes) node.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
}

TEST(PgUnreachable, IsReportedAsBusyNotAsADatabaseError) {
  PgPool pool("host=/nonexistent-netdisk-socket-folder dbname=netdisk connect_timeout=2", 1);
  auto result = pool.exec("SELECT 1");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().sqlstate.empty());
  EXPECT_EQ(result.error().to_error().code, Errc::server_busy);
  EXPECT_EQ(result.error().to_error().message.find("/nonexistent"), std::string::npos);
}

}  // namespace
}  // namespace netdisk::cluster::pg
