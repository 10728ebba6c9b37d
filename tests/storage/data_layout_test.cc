// DataLayout::ensure_user_folder, the folder every accepted user must have, and
// without_server_paths, the last guard that keeps server paths out of replies.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "accounts_test_util.h"
#include "storage/data_layout.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;
using Fix = DataLayout::FolderFix;

DataLayout prepared(const ScratchDir& dir) {
  auto layout = DataLayout::prepare(dir.path());
  EXPECT_TRUE(layout.ok());
  return *layout;
}

TEST(EnsureUserFolder, MakesAMissingFolderPrivateAndLeavesAnExistingOneAlone) {
  ScratchDir dir;
  auto layout = prepared(dir);
  EXPECT_EQ(*layout.ensure_user_folder("erin"), Fix::created);
  struct stat st {};
  ASSERT_EQ(::lstat(layout.user_folder("erin").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(*layout.ensure_user_folder("erin"), Fix::present);
}

TEST(EnsureUserFolder, AdoptsTheOneFolderThatDiffersOnlyInCaseButNeverGuessesBetweenTwo) {
  ScratchDir dir;
  auto layout = prepared(dir);
  fs::create_directory(layout.home_dir() / "erin");
  std::ofstream(layout.home_dir() / "erin" / "notes.txt") << "kept";
  EXPECT_EQ(*layout.ensure_user_folder("Erin"), Fix::adopted);
  EXPECT_TRUE(fs::exists(layout.user_folder("Erin") / "notes.txt"));
  EXPECT_FALSE(fs::exists(layout.home_dir() / "erin"));

  fs::create_directory(layout.home_dir() / "bob");
  fs::create_directory(layout.home_dir() / "BOB");
  EXPECT_EQ(*layout.ensure_user_folder("Bob"), Fix::created);
  EXPECT_TRUE(fs::is_empty(layout.user_folder("Bob")));
  EXPECT_TRUE(fs::exists(layout.home_dir() / "bob"));
  EXPECT_TRUE(fs::exists(layout.home_dir() / "BOB"));
}

TEST(EnsureUserFolder, NeverFollowsOrReplacesASymlinkOrAFileInThePlaceOfTheFolder) {
  ScratchDir dir;
  auto layout = prepared(dir);
  ScratchDir elsewhere;
  fs::create_directory_symlink(elsewhere.path(), layout.user_folder("eve"));
  auto linked = layout.ensure_user_folder("eve");
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().code, Errc::not_a_directory);
  EXPECT_TRUE(fs::is_symlink(layout.user_folder("eve")));
  // A symlink that differs only in case is not adopted either.
  EXPECT_EQ(*layout.ensure_user_folder("EVE"), Fix::created);
  EXPECT_TRUE(fs::is_symlink(layout.user_folder("eve")));

  std::ofstream(layout.user_folder("mallory")) << "a file";
  auto filed = layout.ensure_user_folder("mallory");
  ASSERT_FALSE(filed.ok());
  EXPECT_EQ(filed.error().message.find(dir.path().string()), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(layout.user_folder("mallory")));
}

TEST(WithoutServerPaths, ReplacesTheDataFolderAndTheWorkbookPath) {
  ScratchDir dir;
  auto layout = prepared(dir);
  std::string message =
      "open '" + layout.user_folder("bob").string() + "': gone; " + layout.users_file().string();
  EXPECT_EQ(layout.without_server_paths(message),
            "open '<data folder>/home/bob': gone; users.xlsx");
  EXPECT_EQ(layout.without_server_paths("report.pdf: no such file"), "report.pdf: no such file");
}

}  // namespace
}  // namespace netdisk::storage
