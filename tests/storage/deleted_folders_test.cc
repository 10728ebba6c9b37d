// Deleted users' folders (storage/deleted_folders.h): set aside under a dated name, kept for
// the retention by a sweep that reads a hand-set clock, removed without following a symlink.
#include "storage/deleted_folders.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "accounts_test_util.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ScratchDir;

const WallTime kDeletedAt = std::chrono::system_clock::from_time_t(1'796'000'000);

DataLayout layout_in(const ScratchDir& dir) {
  auto layout = DataLayout::prepare(dir / "data");
  EXPECT_TRUE(layout.ok());
  return *layout;
}

void make_user_folder(const DataLayout& layout, const std::string& name) {
  fs::create_directories(layout.user_folder(name) / "sub");
  std::ofstream(layout.user_folder(name) / "sub" / "notes.txt") << "kept";
}

TEST(DeletedFolders, AFolderIsSetAsideUnderItsDateAndNameAndSweptOnlyAfterTheRetention) {
  ScratchDir dir;
  auto layout = layout_in(dir);
  make_user_folder(layout, "alice");
  auto aside = set_aside_user_folder(layout, "alice", kDeletedAt);
  ASSERT_TRUE(aside.ok() && aside->has_value());
  EXPECT_EQ(**aside, deleted_folder_name("alice", kDeletedAt));
  EXPECT_EQ(deleted_at(**aside), kDeletedAt);
  EXPECT_FALSE(fs::exists(layout.user_folder("alice")));
  EXPECT_TRUE(fs::exists(layout.deleted_dir() / **aside / "sub" / "notes.txt"));
  EXPECT_EQ(fs::status(layout.deleted_dir()).permissions() & fs::perms::all, fs::perms::owner_all);
  // A second account of that name deleted in the same second gets its own folder.
  make_user_folder(layout, "alice");
  auto again = set_aside_user_folder(layout, "alice", kDeletedAt);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ(**again, **aside + ".2");
  // Something else in deleted/ is not the sweep's.
  fs::create_directory(layout.deleted_dir() / "keep-me");

  auto early = sweep_deleted_folders(layout, 30s, kDeletedAt + 29s);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, 0u);
  auto due = sweep_deleted_folders(layout, 30s, kDeletedAt + 30s);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, 2u);
  EXPECT_FALSE(fs::exists(layout.deleted_dir() / **aside));
  EXPECT_TRUE(fs::exists(layout.deleted_dir() / "keep-me"));
}

TEST(DeletedFolders, AUserWithoutAFolderHasNothingSetAsideAndNoDeletedFolderIsNoError) {
  ScratchDir dir;
  auto layout = layout_in(dir);
  auto aside = set_aside_user_folder(layout, "ghost", kDeletedAt);
  ASSERT_TRUE(aside.ok());
  EXPECT_FALSE(aside->has_value());
  auto swept = sweep_deleted_folders(layout, 1s, kDeletedAt);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 0u);
}

TEST(DeletedFolders, RemovalNeverFollowsASymlinkOutOfTheDeletedFolder) {
  ScratchDir dir;
  auto layout = layout_in(dir);
  fs::create_directories(dir / "outside");
  std::ofstream(dir / "outside" / "precious.txt") << "not the server's to remove";
  make_user_folder(layout, "alice");
  fs::create_directory_symlink(dir / "outside", layout.user_folder("alice") / "link");
  auto aside = set_aside_user_folder(layout, "alice", kDeletedAt);
  ASSERT_TRUE(aside.ok() && aside->has_value());
  ASSERT_TRUE(remove_deleted_folder(layout, **aside).ok());
  EXPECT_FALSE(fs::exists(layout.deleted_dir() / **aside));
  EXPECT_TRUE(fs::exists(dir / "outside" / "precious.txt"));
  EXPECT_EQ(remove_deleted_folder(layout, "../home").error().code, Errc::invalid_path);
  EXPECT_TRUE(fs::exists(layout.home_dir()));
}

}  // namespace
}  // namespace netdisk::storage
