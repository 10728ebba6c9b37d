// The local half of resumable downloads: TARGET.part, its recorded version, commit and
// discard; and the XXH3-128 checksums the client sends and checks.
#include "client/transfer/partial_download.h"

#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "client/content_hash.h"

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class PartialDownloadTest : public ::testing::Test {
 protected:
  // A folder of its own per test (the pid keeps parallel ctest runs apart).
  void SetUp() override {
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("netdisk-partial-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    target_ = dir_ / "movie.mkv";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  fs::path target_;
};

TEST_F(PartialDownloadTest, NamesThePartAndTheSidecarBesideTheTarget) {
  EXPECT_EQ(PartialDownload::part_path(target_), dir_ / "movie.mkv.part");
  EXPECT_EQ(PartialDownload::sidecar_path(target_), dir_ / ".movie.mkv.part.version");
}

TEST_F(PartialDownloadTest, KeepsBytesAndVersionAcrossReopeningAndCommitsByRename) {
  {
    auto partial = PartialDownload::create(target_);
    partial.store_version("v1");
    partial.append("hello ", 6);
  }
  EXPECT_FALSE(fs::exists(target_));
  auto again = PartialDownload::open_existing(target_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->size(), 6u);
  EXPECT_EQ(again->stored_version(), "v1");
  again->append("world", 5);
  again->commit();
  EXPECT_EQ(slurp(target_), "hello world");
  EXPECT_FALSE(fs::exists(PartialDownload::part_path(target_)));
  EXPECT_FALSE(fs::exists(PartialDownload::sidecar_path(target_)));
  char buffer[64];
  EXPECT_LT(::getxattr(target_.c_str(), kVersionXattr, buffer, sizeof buffer), 0)
      << "the finished file still carries the download's version";
}

TEST_F(PartialDownloadTest, FallsBackToTheSidecarWhenTheXattrIsMissing) {
  {
    auto partial = PartialDownload::create(target_);
    partial.append("abc", 3);
  }
  std::ofstream(PartialDownload::sidecar_path(target_)) << "v7";
  auto again = PartialDownload::open_existing(target_);
  EXPECT_EQ(again->stored_version(), "v7");
}

TEST_F(PartialDownloadTest, HasNoVersionWhenNoneWasRecorded) {
  PartialDownload::create(target_);
  EXPECT_FALSE(PartialDownload::open_existing(target_)->stored_version().has_value());
  EXPECT_FALSE(PartialDownload::open_existing(dir_ / "other").has_value());
}

TEST_F(PartialDownloadTest, CreateDropsAnEarlierPartialAndItsVersion) {
  {
    auto partial = PartialDownload::create(target_);
    partial.store_version("old");
    partial.append("old bytes", 9);
  }
  std::ofstream(PartialDownload::sidecar_path(target_)) << "old";
  auto fresh = PartialDownload::create(target_);
  EXPECT_EQ(fresh.size(), 0u);
  EXPECT_FALSE(fresh.stored_version().has_value());
}

TEST_F(PartialDownloadTest, DiscardLeavesNothing) {
  auto partial = PartialDownload::create(target_);
  partial.append("x", 1);
  partial.discard();
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST(ContentHash, IsXxh3Of128BitsInCanonicalHex) {
  ContentHasher empty;
  EXPECT_EQ(empty.hex(), "99aa06d3014798d86001c324468d497f");
}

TEST(ContentHash, GivesTheSameResultInPiecesAndFromAFile) {
  std::string data(300000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 3);
  ContentHasher whole;
  whole.update(data);
  ContentHasher pieces;
  pieces.update({data.data(), 1});
  pieces.update({data.data() + 1, data.size() - 1});
  EXPECT_EQ(whole.hex(), pieces.hex());
  EXPECT_EQ(whole.hex().size(), 32u);

  FILE* file = std::tmpfile();
  ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), file), data.size());
  std::fflush(file);
  ContentHasher from_file;
  hash_file_prefix(::fileno(file), data.size(), from_file, "tmp");
  EXPECT_EQ(from_file.hex(), whole.hex());
  ContentHasher too_far;
  EXPECT_THROW(hash_file_prefix(::fileno(file), data.size() + 1, too_far, "tmp"),
               std::runtime_error);
  std::fclose(file);
}

}  // namespace
}  // namespace netdisk::client
