#include "storage/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-atomic-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_path_ = pattern;
    dir_ = UniqueFd(::open(dir_path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dir_.valid());
  }
  void TearDown() override { fs::remove_all(dir_path_); }

  std::string read(const std::string& name) {
    std::ifstream in(dir_path_ / name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir_path_)) {
      out.push_back(entry.path().filename().string());
    }
    return out;
  }
  static std::span<const std::byte> bytes(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
  }

  fs::path dir_path_;
  UniqueFd dir_;
};

TEST_F(AtomicFileTest, CommitReplacesTheTargetWithTheNewContent) {
  std::ofstream(dir_path_ / "doc.txt") << "old version";
  auto file = AtomicFile::create(dir_.get(), "doc.txt");
  ASSERT_TRUE(file.ok()) << file.error().message;
  ASSERT_TRUE(file->write(bytes("new")).ok());
  EXPECT_EQ(read("doc.txt"), "old version") << "target must not change before commit";
  ASSERT_TRUE(file->commit().ok());
  EXPECT_EQ(read("doc.txt"), "new");
  EXPECT_EQ(names(), std::vector<std::string>{"doc.txt"});
}

TEST_F(AtomicFileTest, DroppingAnUncommittedFileKeepsTheOldVersionAndLeavesNoTemp) {
  std::ofstream(dir_path_ / "doc.txt") << "old version";
  {
    auto file = AtomicFile::create(dir_.get(), "doc.txt");
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(file->write(bytes("half of the new")).ok());
    EXPECT_EQ(file->temp_name().rfind(kTempPrefix, 0), 0u);
  }
  EXPECT_EQ(read("doc.txt"), "old version");
  EXPECT_EQ(names(), std::vector<std::string>{"doc.txt"});
}

TEST_F(AtomicFileTest, MovedFromFileDoesNotRemoveTheTemp) {
  auto file = AtomicFile::create(dir_.get(), "a");
  ASSERT_TRUE(file.ok());
  AtomicFile moved = std::move(*file);
  ASSERT_TRUE(moved.write(bytes("x")).ok());
  ASSERT_TRUE(moved.commit().ok());
  EXPECT_EQ(read("a"), "x");
}

TEST_F(AtomicFileTest, CommitIntoARemovedDirectoryFailsCleanly) {
  fs::create_directory(dir_path_ / "sub");
  UniqueFd sub(::open((dir_path_ / "sub").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  auto file = AtomicFile::create(sub.get(), "a");
  ASSERT_TRUE(file.ok());
  fs::remove_all(dir_path_ / "sub");
  auto status = file->commit();
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace netdisk::storage
