// AccountService and an administrator's edits of users.xlsx, in process: a disabled user is
// refused (account_disabled) by login, by the password check HTTP Basic uses and for a token
// issued before, but only once the password is right; a removed user's token stops working; a
// row added by hand gets its folder and can log in. The edits are published by rename, as a
// spreadsheet program saves; check_workbook() is what the periodic check runs.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include "account_test_util.h"
#include "server/accounts/account_service.h"
#include "storage/workbook_reader.h"
#include "storage/workbook_writer.h"

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;

class WorkbookEdits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_scratch_dir("netdisk-workbook-edits");
    AccountOptions options;
    options.hash_cost = storage::HashCost::cheapest();
    options.workbook_check_interval = std::chrono::milliseconds(0);  // the test calls it
    auto layout = storage::DataLayout::prepare(dir_);
    ASSERT_TRUE(layout.ok());
    accounts_ = std::make_unique<AccountService>(*layout, options, blocking_);
    for (const char* name : {"alice", "bob"}) {
      ASSERT_TRUE(run(accounts_->register_user(name, "password1")).ok());
    }
  }
  void TearDown() override {
    accounts_->shutdown();
    blocking_.join();
    accounts_.reset();
    fs::remove_all(dir_);
  }

  template <typename T>
  T run(boost::asio::awaitable<T> task) {
    return testing::run_to_end(io_, std::move(task));
  }

  // Rewrites users.xlsx through `edit` (rows as read, header first), saved beside and renamed.
  template <typename Edit>
  void edit_workbook(Edit edit) {
    auto path = dir_ / "users.xlsx";
    auto rows = storage::read_workbook_sheet(path, "users");
    ASSERT_TRUE(rows.ok());
    storage::SheetRows table;
    for (const auto& row : *rows) table.push_back(row.cells);
    edit(table);
    ASSERT_TRUE(storage::write_workbook(dir_ / "edited.xlsx", "users", table).ok());
    fs::rename(dir_ / "edited.xlsx", path);
  }

  fs::path dir_;
  boost::asio::io_context io_;
  boost::asio::thread_pool blocking_{2};
  std::unique_ptr<AccountService> accounts_;
};

TEST_F(WorkbookEdits, ADisabledUserIsRefusedEverywhereButOnlyOnceThePasswordIsRight) {
  auto login = run(accounts_->login("alice", "password1", "127.0.0.1"));
  ASSERT_TRUE(login.ok());
  edit_workbook([](storage::SheetRows& table) {
    table.at(1).resize(6);
    table.at(1).at(4) = "disabled";  // column E, state
  });
  accounts_->check_workbook();
  auto basic = run(accounts_->check_password("alice", "password1", "127.0.0.1"));
  ASSERT_FALSE(basic.ok());
  EXPECT_EQ(basic.error().code, Errc::account_disabled);
  EXPECT_NE(basic.error().message.find("disabled"), std::string::npos);
  auto again = run(accounts_->login("alice", "password1", "127.0.0.1"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::account_disabled);
  auto wrong = run(accounts_->login("alice", "wrong-password", "127.0.0.1"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::auth_failed) << "a guesser learns nothing";
  auto resumed = accounts_->resume(login->token);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().code, Errc::account_disabled);
  EXPECT_TRUE(run(accounts_->login("bob", "password1", "127.0.0.1")).ok());
}

TEST_F(WorkbookEdits, ARemovedUsersTokenStopsWorkingAndARowAddedByHandGetsAFolderAndLogsIn) {
  auto login = run(accounts_->login("bob", "password1", "127.0.0.1"));
  ASSERT_TRUE(login.ok());
  edit_workbook([](storage::SheetRows& table) {
    auto carol = table.at(2);  // bob's row, password hash and all
    carol.at(0) = "carol";
    table.at(2) = carol;
  });
  accounts_->check_workbook();
  auto resumed = accounts_->resume(login->token);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.error().code, Errc::auth_failed);
  EXPECT_FALSE(run(accounts_->login("bob", "password1", "127.0.0.1")).ok());
  EXPECT_TRUE(fs::is_directory(dir_ / "home" / "carol")) << "made by the check, before any login";
  auto carol = run(accounts_->login("carol", "password1", "127.0.0.1"));
  ASSERT_TRUE(carol.ok()) << carol.error().message;
}

}  // namespace
}  // namespace netdisk::server
