// The accounts of a cluster in PostgreSQL (src/cluster/accounts/pg_account_store.h) against a
// scratch PostgreSQL: registration and its unique name, changes, removal, two stores acting as
// two nodes, concurrent registrations of one name, the workbook export and import, and an
// unreachable database answered with an error in bounded time.
#include "cluster/accounts/pg_account_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "cluster/accounts/user_workbook_transfer.h"
#include "tests/cluster/scratch_services.h"
#include "tests/e2e/temp_folder.h"

namespace netdisk::cluster {
namespace {

using storage::UserRecord;
using Clock = std::chrono::system_clock;

class PgAccounts : public cluster_test::WithSuitePostgres {
 protected:
  void SetUp() override { postgres().psql("DROP TABLE IF EXISTS netdisk.users"); }

  // A store as one node opens it.
  std::unique_ptr<PgAccountStore> open_node() {
    auto pool = std::make_shared<pg::PgPool>(postgres().conninfo(), 2);
    auto store = PgAccountStore::open(std::move(pool));
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }
  static UserRecord user(std::string name) {
    UserRecord record;
    record.name = std::move(name);
    record.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    record.registered_at = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
    return record;
  }
};

TEST_F(PgAccounts, RegistersAUserAndRefusesTheSameNameInAnotherCase) {
  auto store = open_node();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add(user("Alice")).ok());
  auto again = store->add(user("aLICE"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::user_exists);
  auto found = store->find("alice");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Alice");  // as registered
  EXPECT_EQ(store->size(), 1u);
  EXPECT_EQ(postgres().psql("SELECT count(*) FROM netdisk.users"), "1\n");
}

TEST_F(PgAccounts, ChangesAreDurableAndReadBackByANewStore) {
  auto store = open_node();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add(user("bob")).ok());
  ASSERT_TRUE(store->set_password("BOB", "$argon2id$new").ok());
  ASSERT_TRUE(store
                  ->update("bob",
                           [](UserRecord& record) {
                             record.state = storage::AccountState::disabled;
                             record.quota = "10 MiB";
                             record.role = storage::UserRole::admin;
                           })
                  .ok());
  auto login = Clock::now();
  store->note_login("bob", login);
  ASSERT_TRUE(store->flush().ok());

  auto reopened = open_node();
  ASSERT_TRUE(reopened);
  auto bob = reopened->find("bob");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->password_hash, "$argon2id$new");
  EXPECT_EQ(bob->state, storage::AccountState::disabled);
  EXPECT_EQ(bob->quota, "10 MiB");
  EXPECT_EQ(bob->quota_bytes, std::optional<std::uint64_t>(10u << 20));
  EXPECT_EQ(bob->role, storage::UserRole::admin);
  ASSERT_TRUE(bob->last_login);
  EXPECT_EQ(*bob->last_login, std::chrono::time_point_cast<std::chrono::seconds>(login));
  EXPECT_EQ(*bob, *store->find("bob"));  // the writer's copy matches what was stored

  auto missing = store->set_password("nobody", "$argon2id$x");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(PgAccounts, RemovesAUserAndItsNameCanBeRegisteredAgain) {
  auto store = open_node();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->add(user("carol")).ok());
  ASSERT_TRUE(store->remove("CAROL").ok());
  EXPECT_FALSE(store->find("carol"));
  EXPECT_EQ(store->remove("carol").error().code, Errc::not_found);
  EXPECT_TRUE(store->add(user("Carol")).ok());
}

TEST_F(PgAccounts, TwoStoresAreTwoNodesThatSeeEachOthersUsers) {
  auto a = open_node();
  auto b = open_node();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->add(user("dave")).ok());
  EXPECT_FALSE(b->find("dave"));  // memory only: not read yet
  auto fresh = b->find_fresh("Dave");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->name, "dave");
  EXPECT_TRUE(b->find("dave"));  // and now in b's copy

  ASSERT_TRUE(b->add(user("erin")).ok());
  ASSERT_TRUE(b->remove("dave").ok());
  auto edits = a->check_for_edits();
  ASSERT_TRUE(edits.ok());
  EXPECT_TRUE(edits->reloaded);
  EXPECT_EQ(edits->added, std::vector<std::string>{"erin"});
  EXPECT_EQ(edits->removed, std::vector<std::string>{"dave"});
  EXPECT_FALSE(a->find("dave"));
  EXPECT_TRUE(a->find("erin"));
  EXPECT_EQ(b->add(user("ERIN")).error().code, Errc::user_exists);
}

TEST_F(PgAccounts, ConcurrentRegistrationsOfOneNameOnTwoNodesLetExactlyOneWin) {
  auto a = open_node();
  auto b = open_node();
  ASSERT_TRUE(a && b);
  constexpr int kNames = 20;
  std::atomic<int> won{0};
  std::atomic<int> taken{0};
  auto race = [&](PgAccountStore& store, bool upper) {
    for (int i = 0; i < kNames; ++i) {
      auto name = std::string(upper ? "RACER" : "racer") + std::to_string(i);
      auto added = store.add(user(name));
      if (added.ok()) {
        ++won;
      } else if (added.error().code == Errc::user_exists) {
        ++taken;
      }
    }
  };
  std::thread first([&] { race(*a, false); });
  std::thread second([&] { race(*b, true); });
  first.join();
  second.join();
  EXPECT_EQ(won.load(), kNames);
  EXPECT_EQ(taken.load(), kNames);
  EXPECT_EQ(postgres().psql("SELECT count(*) FROM netdisk.users"), std::to_string(kNames) + "\n");
}

TEST_F(PgAccounts, ExportThenImportIntoAnEmptyTableGivesTheSameAccounts) {
  auto store = open_node();
  ASSERT_TRUE(store);
  auto frank = user("Frank");
  frank.last_login = frank.registered_at;
  frank.quota = "2 GiB";
  frank.quota_bytes = 2ull << 30;
  frank.role = storage::UserRole::admin;
  auto gina = user("gina");
  gina.state = storage::AccountState::disabled;
  ASSERT_TRUE(store->add(frank).ok());
  ASSERT_TRUE(store->add(gina).ok());
  auto before = store->read_all();
  ASSERT_TRUE(before.ok());

  e2e::TempFolder folder;
  auto workbook = folder.path() / "users.xlsx";
  auto exported = export_users(*store, workbook);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_EQ(*exported, 2u);

  postgres().psql("DELETE FROM netdisk.users");
  auto empty = open_node();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
  auto imported = import_users(*empty, workbook);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->count, 2u);
  EXPECT_TRUE(imported->to_revoke.empty());  // nobody existed: no login to end
  auto after = empty->read_all();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);
  // Importing again replaces by name: still two accounts. Gina exists now and is disabled in
  // the workbook: her logins must end; Frank's hash is the same: his stay.
  auto again = import_users(*empty, workbook);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_revoke, std::vector<std::string>{"gina"});
  EXPECT_EQ(postgres().psql("SELECT count(*) FROM netdisk.users"), "2\n");
}

TEST_F(PgAccounts, AnUnreachableDatabaseIsAnErrorWithinABoundNotAHang) {
  e2e::TempFolder folder;
  auto pool = std::make_shared<pg::PgPool>(
      "host=" + folder.path().string() + " dbname=netdisk user=netdisk connect_timeout=2", 1);
  auto started = std::chrono::steady_clock::now();
  auto store = PgAccountStore::open(std::move(pool));
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.error().code == Errc::server_busy || store.error().code == Errc::io_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

}  // namespace
}  // namespace netdisk::cluster
