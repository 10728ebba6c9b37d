// `netdiskd admin export-users` and `import-users` (cluster mode) as an administrator runs
// them: the real binary against a scratch PostgreSQL and Redis. An export holds every account
// in the users.xlsx format; an import adds and replaces accounts by name and ends, through
// Redis, the logins of an account it disables.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "cluster/accounts/pg_account_store.h"
#include "cluster/accounts/redis_token_store.h"
#include "storage/user_table.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"
#include "tests/cluster/scratch_services.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/temp_folder.h"

namespace netdisk::cluster {
namespace {

using storage::UserRecord;

UserRecord user(std::string name) {
  UserRecord record;
  record.name = std::move(name);
  record.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  record.registered_at =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  return record;
}

e2e::CliResult admin(const std::vector<std::string>& args) {
  return e2e::run_program(e2e::binary_dir() / "netdiskd", args);
}

TEST(AdminUsersCli, ExportWritesEveryAccountAndImportAddsReplacesAndEndsADisabledUsersLogins) {
  cluster_test::ScratchPostgres pg;
  cluster_test::ScratchRedis redis;
  e2e::TempFolder data;
  auto store = PgAccountStore::open(std::make_shared<pg::PgPool>(pg.conninfo(), 1));
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->add(user("Alice")).ok());
  ASSERT_TRUE((*store)->add(user("bob")).ok());
  // bob is logged in somewhere: a token in Redis, as RedisTokenBook would have stored it.
  RedisClient client(redis.address(), std::chrono::seconds(2));
  RedisTokenStore tokens(client);
  auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(tokens.put("ab12", {"bob", now, now + std::chrono::hours(1)}).ok());

  auto workbook = data.path() / "users.xlsx";
  std::vector<std::string> common = {"--data",  data.path().string(), "--pg", pg.conninfo(),
                                     "--redis", redis.address()};
  auto args = common;
  args.insert(args.begin(), {"admin", "export-users", workbook.string()});
  auto exported = admin(args);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("2 accounts written"), std::string::npos) << exported.out;
  auto rows = storage::read_workbook_sheet(workbook, storage::kUsersSheet);
  ASSERT_TRUE(rows.ok());
  auto read = storage::users_from_rows(*rows, "users.xlsx");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0], *(*store)->find("alice"));

  // The administrator's edit in Excel: bob disabled, carol added.
  (*read)[1].state = storage::AccountState::disabled;
  read->push_back(user("carol"));
  ASSERT_TRUE(
      storage::write_workbook(workbook, storage::kUsersSheet, storage::users_to_rows(*read)).ok());
  args = common;
  args.insert(args.begin(), {"admin", "import-users", workbook.string()});
  auto imported = admin(args);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("3 accounts imported"), std::string::npos) << imported.out;
  EXPECT_EQ(pg.psql("SELECT name || ' ' || state FROM netdisk.users ORDER BY name_key"),
            "Alice active\nbob disabled\ncarol active\n");
  auto gone = tokens.get("ab12");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);  // bob's login ended
}

TEST(AdminUsersCli, ExportWithoutAClusterDatabaseSaysWhatIsMissing) {
  e2e::TempFolder data;
  auto result = admin(
      {"admin", "export-users", (data.path() / "u.xlsx").string(), "--data", data.path().string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--pg"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(data.path() / "u.xlsx"));
}

}  // namespace
}  // namespace netdisk::cluster
