// The local backend's trash and versions on disk (file_store_trash.cc, file_store_versions.cc):
// what a crash between an entry's two steps leaves is never listed and goes at the next purge,
// the partial-upload sweep never touches the trash or the versions, and a version is the
// replaced inode itself, not a copy.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "user_space_test_util.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
using testing::put;
using testing::read_file;

class LocalRetention : public ::testing::Test {
 protected:
  void SetUp() override {
    auto space = fixture_.backend().open_space("alice");
    ASSERT_TRUE(space.ok());
    space_ = std::move(*space);
  }
  fs::path alice() const { return fixture_.home() / "alice"; }

  testing::LocalFixtureBackend fixture_;
  std::shared_ptr<UserSpace> space_;
};

TEST_F(LocalRetention, AnEntryLeftWithoutItsItemIsNotListedAndGoesAtThePurge) {
  ASSERT_TRUE(put(*space_, "kept", "kept").ok());
  ASSERT_TRUE(space_->move_to_trash("kept").ok());
  // As a crash after the info was written and before the rename into the entry.
  fs::path broken = alice() / ".netdisk-trash" / "00000000000000010000beef";
  fs::create_directories(broken);
  {
    std::ofstream info(broken / "info");
    info << "netdisk-trash 1\n1\n0\n4\nlost\n";
  }
  auto listed = space_->list_trash();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().original_path, "kept");
  auto purged = space_->purge_trash(std::chrono::system_clock::time_point(std::chrono::seconds(1)));
  ASSERT_TRUE(purged.ok()) << purged.error().message;
  EXPECT_FALSE(fs::exists(broken));
  EXPECT_EQ(space_->list_trash()->size(), 1u) << "the whole entry stays";
}

TEST_F(LocalRetention, ThePartialUploadSweepLeavesTheTrashAndTheVersionsAlone) {
  ASSERT_TRUE(put(*space_, "f", "one").ok());
  ASSERT_TRUE(put(*space_, "f", "two").ok());
  ASSERT_TRUE(put(*space_, "g", "gone").ok());
  ASSERT_TRUE(space_->move_to_trash("g").ok());
  auto swept = fixture_.backend().sweep_partial_uploads(std::chrono::seconds(0));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(space_->list_trash()->size(), 1u);
  EXPECT_EQ(space_->list_versions("f")->size(), 1u);
}

TEST_F(LocalRetention, AVersionIsTheReplacedInodeNotACopy) {
  ASSERT_TRUE(put(*space_, "f", "the old content").ok());
  struct ::stat before {};
  ASSERT_EQ(::stat((alice() / "f").c_str(), &before), 0);
  ASSERT_TRUE(put(*space_, "f", "new").ok());
  auto versions = space_->list_versions("f");
  ASSERT_TRUE(versions.ok() && versions->size() == 1);
  std::size_t found = 0;
  for (const auto& entry : fs::recursive_directory_iterator(alice() / ".netdisk-versions")) {
    if (!entry.is_regular_file()) continue;
    struct ::stat kept {};
    ASSERT_EQ(::stat(entry.path().c_str(), &kept), 0);
    EXPECT_EQ(kept.st_ino, before.st_ino);
    EXPECT_EQ(kept.st_nlink, 1u);
    ++found;
  }
  EXPECT_EQ(found, 1u);
  EXPECT_EQ(read_file(*space_, "f"), "new");
}

}  // namespace
}  // namespace netdisk::storage
