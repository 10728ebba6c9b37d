// Symlinks planted inside a user's folder (by an admin, or by anything but NetDisk) must not
// let any operation reach outside the folder, and are refused even when they point inside.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/file_store.h"
#include "planted_tree.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

class ConfinementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::PlantedTree tree;
    ASSERT_TRUE(tree.plant("netdisk-confine"));
    base_ = tree.base;
    root_ = tree.root;
    fs::create_directory_symlink("../outside", root_ / "rel");   // relative, outside
    fs::create_directory_symlink(root_ / "real", root_ / "in");  // pointing inside
    auto store = FileStore::open(root_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_.emplace(std::move(*store));
  }
  void TearDown() override { fs::remove_all(base_); }

  std::vector<std::string> outside_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(base_ / "outside")) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  fs::path base_;
  fs::path root_;
  std::optional<FileStore> store_;
};

// Every path that goes through, or ends at, one of the planted symlinks.
const std::vector<std::string> kThroughLinks = {"out/secret.txt", "rel/secret.txt", "secret",
                                                "in/file.txt", "inf"};
const std::vector<std::string> kFolderLinks = {"out", "rel", "in"};

TEST_F(ConfinementTest, DownloadsThroughSymlinksAreRefused) {
  for (const auto& path : kThroughLinks) {
    auto result = store_->open_for_download(path);
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_EQ(result.error().code, Errc::invalid_path) << path;
    EXPECT_EQ(store_->file_checksum(path).error().code, Errc::invalid_path) << path;
  }
  EXPECT_TRUE(store_->open_for_download("real/file.txt").ok());
}

TEST_F(ConfinementTest, ListingThroughSymlinksIsRefusedAndListingsHideThem) {
  for (const auto& path : kFolderLinks) {
    EXPECT_EQ(store_->list(path).error().code, Errc::invalid_path) << path;
  }
  auto root = store_->list("");
  ASSERT_TRUE(root.ok());
  ASSERT_EQ(root->size(), 1u);
  EXPECT_EQ((*root)[0].name, "real");
  EXPECT_EQ(store_->stat("secret").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->stat("out/secret.txt").error().code, Errc::invalid_path);
}

TEST_F(ConfinementTest, UploadsThroughOrOntoSymlinksAreRefused) {
  for (const auto& path : {"out/new.txt", "rel/new.txt", "in/new.txt", "secret", "inf"}) {
    auto result = store_->begin_upload(path, 1, std::nullopt);
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_EQ(result.error().code, Errc::invalid_path) << path;
  }
  EXPECT_EQ(outside_names(), std::vector<std::string>{"secret.txt"});
  EXPECT_FALSE(fs::exists(root_ / "real" / "new.txt"));
}

TEST_F(ConfinementTest, RemovingSymlinksOrThroughThemIsRefused) {
  for (const auto& path : {"out/secret.txt", "secret", "in", "out", "inf", "in/file.txt"}) {
    auto status = store_->remove(path);
    ASSERT_FALSE(status.ok()) << path;
    EXPECT_EQ(status.error().code, Errc::invalid_path) << path;
  }
  EXPECT_TRUE(fs::exists(base_ / "outside" / "secret.txt"));
  EXPECT_TRUE(fs::is_symlink(root_ / "secret"));
  EXPECT_TRUE(fs::exists(root_ / "real" / "file.txt"));
}

TEST_F(ConfinementTest, MovingSymlinksOrThroughThemIsRefused) {
  EXPECT_EQ(store_->rename("secret", "mine").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->rename("in", "moved").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->rename("real/file.txt", "out/stolen.txt").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->rename("out/secret.txt", "taken.txt").error().code, Errc::invalid_path);
  EXPECT_EQ(outside_names(), std::vector<std::string>{"secret.txt"});
  EXPECT_TRUE(fs::exists(root_ / "real" / "file.txt"));
}

TEST_F(ConfinementTest, CreatingFoldersThroughSymlinksIsRefused) {
  EXPECT_EQ(store_->make_directory("out/new", false).error().code, Errc::invalid_path);
  EXPECT_EQ(store_->make_directory("out/a/b", true).error().code, Errc::invalid_path);
  EXPECT_EQ(store_->make_directory("in/a", true).error().code, Errc::invalid_path);
  EXPECT_EQ(outside_names(), std::vector<std::string>{"secret.txt"});
}

TEST_F(ConfinementTest, SpecialFilesAreNeverOpenedOrServed) {
  ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0600), 0);
  // Opening a FIFO for reading would block forever; it must be refused without opening it.
  EXPECT_EQ(store_->open_for_download("fifo").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->begin_upload("fifo", 1, std::nullopt).error().code, Errc::invalid_path);
  EXPECT_EQ(store_->remove("fifo").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->stat("fifo").error().code, Errc::invalid_path);
}

TEST_F(ConfinementTest, AUserRootThatIsASymlinkIsNotOpened) {
  fs::create_directory_symlink(root_, base_ / "alias");
  auto store = FileStore::open(base_ / "alias");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::invalid_path);
}

}  // namespace
}  // namespace netdisk::storage
