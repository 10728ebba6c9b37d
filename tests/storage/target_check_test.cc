// Conditional commits and removes (storage/target_check.h, storage/name_lock.h): the check
// sees the name's state at the step that changes it, and concurrent conditional uploads of
// one name cannot both win.
#include "storage/target_check.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "storage/file_store.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

class TargetCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-check-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    auto store = FileStore::open(root_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_.emplace(std::move(*store));
  }
  void TearDown() override { fs::remove_all(root_); }

  Result<Upload> staged(std::string_view path, std::string_view content) {
    auto upload = store_->begin_upload(path, content.size(), std::nullopt);
    if (!upload) return std::move(upload).error();
    auto written = upload->write(std::as_bytes(std::span(content.data(), content.size())));
    if (!written) return std::move(written).error();
    return upload;
  }
  std::string version_of(std::string_view path) {
    auto state = store_->target_state(path);
    return state ? state->version : "";
  }
  std::string read(const std::string& name) {
    std::ifstream in(root_ / name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  fs::path root_;
  std::optional<FileStore> store_;
};

TEST_F(TargetCheckTest, StateDescribesFilesFoldersAndNothing) {
  ASSERT_TRUE(store_->make_directory("dir", false).ok());
  auto staged_file = staged("f", "abc");
  ASSERT_TRUE(staged_file.ok());
  ASSERT_TRUE(staged_file->commit().ok());
  auto file = store_->target_state("f");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->exists);
  EXPECT_FALSE(file->version.empty());
  EXPECT_EQ(file->size, 3u);
  auto folder = store_->target_state("dir");
  EXPECT_TRUE(folder->exists && folder->is_directory && folder->version.empty());
  EXPECT_FALSE(store_->target_state("none")->exists);
  EXPECT_EQ(store_->target_state("no/such").error().code, Errc::not_found);
}

TEST_F(TargetCheckTest, ACommitReplacesOnlyTheVersionItWasGiven) {
  auto first = staged("doc", "one");
  ASSERT_TRUE(first->commit().ok());
  auto v1 = version_of("doc");
  auto second = staged("doc", "two");
  ASSERT_TRUE(second->commit(require_version(v1)).ok());
  EXPECT_EQ(read("doc"), "two");
  // v1 is gone: a commit that still expects it publishes nothing.
  auto third = staged("doc", "three");
  auto refused = third->commit(require_version(v1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::precondition_failed);
  EXPECT_EQ(read("doc"), "two");
}

TEST_F(TargetCheckTest, ACreateOnlyCommitLosesToAFileThatAppearedAfterItBegan) {
  auto late = staged("new", "late");
  auto early = staged("new", "early");
  ASSERT_TRUE(early->commit(require_absent()).ok());
  auto refused = late->commit(require_absent());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::precondition_failed);
  EXPECT_EQ(read("new"), "early");
}

TEST_F(TargetCheckTest, ConcurrentConditionalUploadsOfOneVersionHaveExactlyOneWinner) {
  auto base = staged("race", "base");
  ASSERT_TRUE(base->commit().ok());
  auto v0 = version_of("race");
  constexpr int kUploads = 8;
  std::vector<Upload> uploads;
  for (int i = 0; i < kUploads; ++i) uploads.push_back(std::move(*staged("race", "x")));
  std::atomic<int> winners = 0, refused = 0;
  std::vector<std::thread> threads;
  for (auto& upload : uploads) {
    threads.emplace_back([&upload, &v0, &winners, &refused] {
      auto done = upload.commit(require_version(v0));
      if (done.ok()) ++winners;
      if (!done.ok() && done.error().code == Errc::precondition_failed) ++refused;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(refused.load(), kUploads - 1);
}

TEST_F(TargetCheckTest, AConditionalRemoveKeepsAFileOfAnotherVersion) {
  auto file = staged("keep", "content");
  ASSERT_TRUE(file->commit().ok());
  auto refused = store_->remove("keep", require_version("not-the-version"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::precondition_failed);
  EXPECT_TRUE(fs::exists(root_ / "keep"));
  EXPECT_TRUE(store_->remove("keep", require_version(version_of("keep"))).ok());
  EXPECT_FALSE(fs::exists(root_ / "keep"));
  // A missing file is not_found whatever the condition.
  EXPECT_EQ(store_->remove("keep", require_version("x")).error().code, Errc::not_found);
}

}  // namespace
}  // namespace netdisk::storage
