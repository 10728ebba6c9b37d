#include "storage/user_registry.h"

#include <sys/mount.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "accounts_test_util.h"
#include "storage/atomic_file.h"
#include "storage/iso_time.h"

namespace netdisk::storage {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;
using testing::read_file;
using testing::ScratchDir;
using testing::write_file;

UserRecord user(std::string name) {
  return UserRecord{std::move(name), "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
                    Clock::time_point{} + 20000 * 24h + 1500ms, std::nullopt};
}

std::unique_ptr<UserRegistry> open_registry(
    const std::filesystem::path& path, UserRegistry::WriteFn write = UserRegistry::save_workbook) {
  auto registry = UserRegistry::open(path, std::move(write));
  EXPECT_TRUE(registry.ok()) << registry.error().message;
  return registry.ok() ? std::move(registry).value() : nullptr;
}

// save_workbook, except that it fails with disk_full while `fail` is set.
UserRegistry::WriteFn full_disk_while(std::atomic<bool>& fail) {
  return [&fail](const std::filesystem::path& path,
                 const UserRegistry::WorkbookWrite& write) -> Result<WrittenWorkbook> {
    if (fail) return make_error(Errc::disk_full, "write workbook: disk full");
    return UserRegistry::save_workbook(path, write);
  };
}

TEST(UserRegistry, StartsEmptyWhenTheWorkbookDoesNotExist) {
  ScratchDir dir;
  auto registry = open_registry(dir / "users.xlsx");
  ASSERT_NE(registry, nullptr);
  EXPECT_EQ(registry->size(), 0u);
  EXPECT_EQ(registry->path(), dir / "users.xlsx");
  EXPECT_TRUE(dir.names().empty()) << "opening must not create the workbook";
}

TEST(UserRegistry, FindsUsersWithoutRegardToCase) {
  ScratchDir dir;
  auto registry = open_registry(dir / "users.xlsx");
  ASSERT_TRUE(registry->add(user("Alice")).ok());
  auto found = registry->find("aLiCe");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "Alice");
  EXPECT_EQ(found->registered_at, Clock::time_point{} + 20000 * 24h + 1s) << "whole seconds";
  EXPECT_FALSE(registry->find("alice2").has_value());
  EXPECT_EQ(registry->rewrites(), 1u);
}

TEST(UserRegistry, RefusesADuplicateNameInAnyCase) {
  ScratchDir dir;
  auto registry = open_registry(dir / "users.xlsx");
  ASSERT_TRUE(registry->add(user("alice")).ok());
  auto again = registry->add(user("ALICE"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::user_exists);
  EXPECT_EQ(registry->size(), 1u);
  EXPECT_EQ(registry->rewrites(), 1u);
}

TEST(UserRegistry, RefusesInvalidNamesAndEmptyHashes) {
  ScratchDir dir;
  auto registry = open_registry(dir / "users.xlsx");
  auto bad_name = registry->add(user("=cmd|calc"));
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.error().code, Errc::invalid_username);
  auto no_hash = user("bob");
  no_hash.password_hash.clear();
  EXPECT_EQ(registry->add(no_hash).error().code, Errc::invalid_password);
  EXPECT_EQ(registry->size(), 0u);
}

TEST(UserRegistry, ReopeningSeesEveryUserAndLoginTime) {
  ScratchDir dir;
  auto when = Clock::time_point{} + 20500 * 24h + 3h;
  {
    auto registry = open_registry(dir / "users.xlsx");
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(registry->add(user("u" + std::to_string(i))).ok());
    registry->note_login("U7", when);
    EXPECT_EQ(registry->find("u7")->last_login, when) << "visible in memory at once";
    ASSERT_TRUE(registry->flush().ok());
    EXPECT_EQ(registry->rewrites(), 31u);
    ASSERT_TRUE(registry->flush().ok());
    EXPECT_EQ(registry->rewrites(), 31u) << "nothing pending, nothing written";
  }
  auto registry = open_registry(dir / "users.xlsx");
  ASSERT_NE(registry, nullptr);
  EXPECT_EQ(registry->size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_TRUE(registry->find("U" + std::to_string(i))) << i;
  EXPECT_EQ(registry->find("u7")->last_login, when);
  EXPECT_FALSE(registry->find("u8")->last_login.has_value());
}

TEST(UserRegistry, WritesPendingLoginTimesWithTheNextRegistration) {
  ScratchDir dir;
  auto when = Clock::time_point{} + 20500 * 24h;
  {
    auto registry = open_registry(dir / "users.xlsx");
    ASSERT_TRUE(registry->add(user("first")).ok());
    registry->note_login("first", when);
    registry->note_login("nobody", when);  // ignored
    ASSERT_TRUE(registry->add(user("second")).ok());
  }
  auto registry = open_registry(dir / "users.xlsx");
  EXPECT_EQ(registry->find("first")->last_login, when);
}

TEST(UserRegistry, GroupCommitsConcurrentRegistrations) {
  ScratchDir dir;
  auto registry = open_registry(dir / "users.xlsx");
  constexpr int kThreads = 16;
  constexpr int kUsers = 200;
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = next++; i < kUsers; i = next++) {
        if (!registry->add(user("user" + std::to_string(i))).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(registry->size(), 200u);
  EXPECT_LT(registry->rewrites(), 100u);
  std::cout << "200 registrations from 16 threads took " << registry->rewrites() << " rewrites\n";
  auto reopened = open_registry(dir / "users.xlsx");
  EXPECT_EQ(reopened->size(), 200u);
}

TEST(UserRegistry, OneRewriteCarriesEveryRegistrationQueuedMeanwhile) {
  ScratchDir dir;
  constexpr int kFollowers = 50;
  std::atomic<int> writes{0};
  std::atomic<UserRegistry*> observed{nullptr};
  // A slow disk: everyone arriving during the first write must share the second one. The
  // first write holds until every follower has queued (seen through queued()), however long
  // thread start-up takes on a loaded machine.
  auto slow = [&](const std::filesystem::path& path, const UserRegistry::WorkbookWrite& write) {
    if (++writes == 1) {
      auto deadline = std::chrono::steady_clock::now() + 60s;
      while (observed.load()->queued() < kFollowers &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
      }
    }
    return UserRegistry::save_workbook(path, write);
  };
  auto registry = open_registry(dir / "users.xlsx", slow);
  observed = registry.get();
  std::vector<std::thread> threads;
  threads.emplace_back([&] { EXPECT_TRUE(registry->add(user("leader")).ok()); });
  // The followers come once the leader's write has begun.
  auto begun_by = std::chrono::steady_clock::now() + 60s;
  while (writes.load() == 0 && std::chrono::steady_clock::now() < begun_by) {
    std::this_thread::sleep_for(1ms);
  }
  for (int i = 0; i < kFollowers; ++i) {
    threads.emplace_back([&, i] { EXPECT_TRUE(registry->add(user("f" + std::to_string(i))).ok()); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(registry->size(), std::size_t{kFollowers} + 1);
  EXPECT_LE(writes.load(), 3);
}

TEST(UserRegistry, RefusesADuplicateQueuedInTheSameBatch) {
  ScratchDir dir;
  auto slow = [](const std::filesystem::path& path, const UserRegistry::WorkbookWrite& write) {
    std::this_thread::sleep_for(100ms);
    return UserRegistry::save_workbook(path, write);
  };
  auto registry = open_registry(dir / "users.xlsx", slow);
  std::atomic<int> ok{0};
  std::atomic<int> exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto status = registry->add(user(i % 2 ? "Carol" : "carol"));
      if (status.ok()) ++ok;
      if (!status.ok() && status.error().code == Errc::user_exists) ++exists;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(exists, 7);
}

TEST(UserRegistry, RollsBackABatchWhoseRewriteFails) {
  ScratchDir dir;
  std::atomic<bool> fail{false};
  auto registry = open_registry(dir / "users.xlsx", full_disk_while(fail));
  ASSERT_TRUE(registry->add(user("kept")).ok());
  auto when = Clock::time_point{} + 20600 * 24h;
  registry->note_login("kept", when);
  fail = true;
  auto status = registry->add(user("lost"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::disk_full);
  EXPECT_FALSE(registry->find("lost").has_value());
  EXPECT_EQ(registry->size(), 1u);
  EXPECT_EQ(registry->flush().error().code, Errc::disk_full) << "the login is still pending";
  fail = false;
  ASSERT_TRUE(registry->add(user("lost")).ok()) << "the name is free again";
  auto reopened = open_registry(dir / "users.xlsx");
  EXPECT_EQ(reopened->size(), 2u);
  EXPECT_EQ(reopened->find("kept")->last_login, when);
}

TEST(UserRegistry, SetPasswordIsDurableAndAFailedRewriteKeepsTheOldHash) {
  ScratchDir dir;
  std::atomic<bool> fail{false};
  auto registry = open_registry(dir / "users.xlsx", full_disk_while(fail));
  ASSERT_TRUE(registry->add(user("Alice")).ok());
  ASSERT_TRUE(registry->add(user("bob")).ok());
  const std::string old_hash = registry->find("alice")->password_hash;
  fail = true;
  auto refused = registry->set_password("alice", "$argon2id$never-written");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::disk_full);
  EXPECT_EQ(registry->find("alice")->password_hash, old_hash);
  fail = false;
  ASSERT_TRUE(registry->set_password("ALICE", "$argon2id$the-new-one").ok());
  EXPECT_EQ(registry->find("alice")->password_hash, "$argon2id$the-new-one");
  EXPECT_EQ(registry->set_password("nobody", "$argon2id$x").error().code, Errc::not_found);
  EXPECT_EQ(registry->set_password("bob", "").error().code, Errc::invalid_password);
  auto reopened = open_registry(dir / "users.xlsx");
  EXPECT_EQ(reopened->find("alice")->password_hash, "$argon2id$the-new-one");
  EXPECT_EQ(reopened->find("alice")->name, "Alice");
  EXPECT_EQ(reopened->find("bob")->password_hash, old_hash);
}

TEST(UserRegistry, RemovesStaleTemporaryFilesBesideTheWorkbook) {
  ScratchDir dir;
  write_file(dir / (std::string(kTempPrefix) + "0123456789abcdef"), "half a workbook");
  write_file(dir / "other.txt", "kept");
  auto registry = open_registry(dir / "users.xlsx");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"other.txt"});
}

// A damaged workbook must stop the registry from opening and must stay exactly as it was.
void expect_open_refused(const ScratchDir& dir, const std::string& bytes, std::string_view part) {
  auto path = dir / "users.xlsx";
  write_file(path, bytes);
  auto registry = UserRegistry::open(path);
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error().code, Errc::io_error);
  EXPECT_NE(registry.error().message.find("users.xlsx is damaged"), std::string::npos)
      << registry.error().message;
  EXPECT_NE(registry.error().message.find(part), std::string::npos) << registry.error().message;
  EXPECT_EQ(read_file(path), bytes) << "the damaged file must be left byte-identical";
  EXPECT_EQ(dir.names(), std::vector<std::string>{"users.xlsx"});
}

std::string workbook_bytes(const SheetRows& rows) {
  ScratchDir scratch;
  EXPECT_TRUE(write_workbook(scratch / "w.xlsx", kUsersSheet, rows).ok());
  return read_file(scratch / "w.xlsx");
}

TEST(UserRegistry, RefusesToOpenADamagedWorkbookAndLeavesItAlone) {
  ScratchDir dir;
  const std::vector<std::string> header = {"username", "password_hash", "registered_at",
                                           "last_login"};
  const std::string hash = "$argon2id$x";
  const std::string t = "2026-11-23T10:04:05Z";
  expect_open_refused(dir, "PK\x03\x04 this is not really a zip", "not a zip");
  std::string good = workbook_bytes({header, {"alice", hash, t, ""}});
  expect_open_refused(dir, good.substr(0, good.size() - 30), "not a zip");
  expect_open_refused(dir, workbook_bytes({{"name", "hash"}, {"alice", hash, t}}), "header");
  expect_open_refused(dir, workbook_bytes({}), "header row is missing");
  expect_open_refused(dir, workbook_bytes({header, {"alice", hash, t}, {"ALICE", hash, t}}),
                      "row 3: user \"ALICE\" is already on row 2");
  expect_open_refused(dir, workbook_bytes({header, {"alice", hash, "yesterday"}}),
                      "row 2, cell C2 (registered_at)");
  expect_open_refused(dir, workbook_bytes({header, {"alice", hash, t, "2026-02-30T00:00:00Z"}}),
                      "last_login");
  expect_open_refused(dir, workbook_bytes({header, {"../etc", hash, t}}), "row 2");
  // A name an admin typed with a control character XML 1.0 cannot hold (saved as _x0007_).
  expect_open_refused(dir, workbook_bytes({header, {"al\x07ice", hash, t}}), "row 2");
  expect_open_refused(dir, workbook_bytes({header, {"=1+1", hash, t}}), "row 2");
  expect_open_refused(dir, workbook_bytes({header, {"bob", "", t}}), "password_hash is empty");
}

// A real ENOSPC from a tiny tmpfs. Needs CAP_SYS_ADMIN; skipped where mounting is not allowed.
class RegistryDiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, "size=64k,mode=0700") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  // Fills the file system; returns false if it never filled up.
  bool fill_disk() {
    std::ofstream filler(dir_ / "filler", std::ios::binary);
    std::string block(4096, 'x');
    for (int i = 0; i < 1024 && filler.write(block.data(), block.size()); ++i) filler.flush();
    return std::filesystem::space(dir_.path()).available == 0;
  }

  ScratchDir dir_;
  bool mounted_ = false;
};

TEST_F(RegistryDiskFullTest, ADiskFullRegistrationLeavesTheOldWorkbookIntact) {
  auto path = dir_ / "users.xlsx";
  auto registry = open_registry(path);
  ASSERT_TRUE(registry->add(user("before1")).ok());
  ASSERT_TRUE(registry->add(user("before2")).ok());
  std::string before = read_file(path);
  ASSERT_TRUE(fill_disk());

  auto status = registry->add(user("after"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::disk_full) << status.error().message;
  EXPECT_EQ(read_file(path), before);
  auto names = dir_.names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"filler", "users.xlsx"})) << "no temp file left";
  EXPECT_EQ(registry->size(), 2u);
  EXPECT_FALSE(registry->find("after").has_value());

  std::filesystem::remove(dir_ / "filler");
  ASSERT_TRUE(registry->add(user("after")).ok());
  auto reopened = open_registry(path);
  EXPECT_EQ(reopened->size(), 3u);
}

}  // namespace
}  // namespace netdisk::storage
