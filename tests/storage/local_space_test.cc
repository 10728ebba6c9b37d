// What only the local backend (storage/local_space.h) can show: its recursive operations
// never follow a symlink planted in a user's folder, a copy keeps a still-valid stored
// checksum, and an open file offers its descriptor for sendfile.
#include "storage/local_space.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "user_space_test_util.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;
using testing::put;
using testing::read_file;
using testing::xxh3_of;

class LocalSpaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-local-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    fs::create_directories(base_ / "home" / "alice");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "outside" / "secret") << "secret";
    backend_.emplace(base_ / "home");
    auto space = backend_->open_space("alice");
    ASSERT_TRUE(space.ok()) << space.error().message;
    space_ = std::move(*space);
  }
  void TearDown() override { fs::remove_all(base_); }
  fs::path user(const char* relative) { return base_ / "home" / "alice" / relative; }

  fs::path base_;
  std::optional<LocalBackend> backend_;
  std::shared_ptr<UserSpace> space_;
};

TEST_F(LocalSpaceTest, RemoveTreeUnlinksASymlinkAndLeavesWhatItPointsTo) {
  ASSERT_TRUE(space_->make_directory("t/u", true).ok());
  fs::create_directory_symlink(base_ / "outside", user("t/u/link"));
  fs::create_symlink(base_ / "outside" / "secret", user("t/file-link"));
  ASSERT_TRUE(space_->remove_tree("t").ok());
  EXPECT_FALSE(fs::exists(user("t")));
  EXPECT_TRUE(fs::exists(base_ / "outside" / "secret"));
}

TEST_F(LocalSpaceTest, CopyNeverFollowsASymlinkInTheTreeOrOnThePath) {
  ASSERT_TRUE(space_->make_directory("src", false).ok());
  ASSERT_TRUE(put(*space_, "src/real", "real").ok());
  fs::create_symlink(base_ / "outside" / "secret", user("src/link"));
  fs::create_directory_symlink(base_ / "outside", user("out"));
  ASSERT_TRUE(space_->copy("src", "dst", UserSpace::Replace::no).ok());
  EXPECT_EQ(read_file(*space_, "dst/real"), "real");
  EXPECT_FALSE(fs::exists(user("dst/link")) || fs::is_symlink(user("dst/link")));
  auto through = space_->copy("out/secret", "stolen", UserSpace::Replace::no);
  ASSERT_FALSE(through.ok());
  EXPECT_EQ(through.error().code, StorageErrc::bad_name);
  auto onto = space_->copy("src/real", "out/planted", UserSpace::Replace::no);
  ASSERT_FALSE(onto.ok());
  EXPECT_FALSE(fs::exists(base_ / "outside" / "planted"));
}

TEST_F(LocalSpaceTest, ACopyCarriesTheStoredChecksumAndAnOpenFileItsDescriptor) {
  ASSERT_TRUE(put(*space_, "f", "content").ok());
  ASSERT_TRUE(space_->copy("f", "g", UserSpace::Replace::no).ok());
  auto copy = space_->open_read("g");
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*copy)->stored_checksum(), xxh3_of("content"));
  EXPECT_GE((*copy)->native_fd(), 0);
  EXPECT_TRUE(fs::is_empty(user("")) == false);
  for (const auto& entry : fs::directory_iterator(user(""))) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".netdisk-tmp."))
        << "no temp file is left behind";
  }
}

TEST_F(LocalSpaceTest, TheBackendSweepsIdlePartialsPastTheirAgeOnly) {
  auto idle = space_->begin_upload("old", 4, xxh3_of("abcd"));
  ASSERT_TRUE(idle.ok());
  ASSERT_TRUE((*idle)->write(testing::bytes_of("ab")).ok());
  idle->reset();
  auto held = space_->begin_upload("held", 4, xxh3_of("wxyz"));
  ASSERT_TRUE(held.ok());
  for (const auto& entry : fs::directory_iterator(user(""))) {
    fs::last_write_time(entry.path(), fs::file_time_type::clock::now() - std::chrono::hours(2));
  }
  auto young = backend_->sweep_partial_uploads(std::chrono::hours(3));
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(*young, 0U);
  auto swept = backend_->sweep_partial_uploads(std::chrono::hours(1));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1U) << "the idle partial goes, the held one stays";
  EXPECT_EQ((*held)->offset(), 0U);
  EXPECT_TRUE((*held)->write(testing::bytes_of("wxyz")).ok());
  EXPECT_TRUE((*held)->commit().ok());
}

TEST_F(LocalSpaceTest, ErrorsNeverNameTheServerSidePath) {
  auto missing = backend_->open_space("nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, StorageErrc::not_found);
  EXPECT_EQ(missing.error().message.find(base_.string()), std::string::npos);
  auto error = space_->rename("nope", "x", UserSpace::Replace::no);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().message.find(base_.string()), std::string::npos);
}

}  // namespace
}  // namespace netdisk::storage
