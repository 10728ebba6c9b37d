// The in-place half of continuing a download into an existing TARGET (TargetAppend): bytes are
// only appended, a failed check cuts the file back to what it held, and anything but a regular
// file reached directly (a symbolic link, a FIFO, a folder, nothing) is refused without blocking.
#include "client/transfer/target_append.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace netdisk::client {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class TargetAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("netdisk-append-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    target_ = dir_ / "report.pdf";
    std::ofstream(target_, std::ios::binary) << "held bytes";
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_, target_;
};

TEST_F(TargetAppendTest, AppendsAfterTheBytesHeldAndCommitKeepsThem) {
  auto in_place = TargetAppend::open(target_);
  EXPECT_EQ(in_place.original_size(), 10u);
  in_place.append(" and more", 9);
  in_place.commit();
  EXPECT_EQ(slurp(target_), "held bytes and more");
}

TEST_F(TargetAppendTest, DiscardCutsTheFileBackToTheBytesItHeld) {
  auto in_place = TargetAppend::open(target_);
  in_place.append(" and wrong ones", 15);
  in_place.discard();
  EXPECT_EQ(slurp(target_), "held bytes");
}

TEST_F(TargetAppendTest, RefusesASymlinkAFifoAFolderAndNothing) {
  fs::create_symlink(target_, dir_ / "link");
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  fs::create_directories(dir_ / "folder");
  for (const char* name : {"link", "fifo", "folder", "missing"}) {
    EXPECT_THROW(TargetAppend::open(dir_ / name), std::runtime_error) << name;
  }
  EXPECT_EQ(slurp(target_), "held bytes");
}

}  // namespace
}  // namespace netdisk::client
