#include "storage/safe_path.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/atomic_file.h"

namespace netdisk::storage {
namespace {

using namespace std::string_literals;

void expect_refused(std::string_view path) {
  auto result = split_user_path(path);
  ASSERT_FALSE(result.ok()) << "accepted: " << testing::PrintToString(std::string(path));
  EXPECT_EQ(result.error().code, Errc::invalid_path);
  EXPECT_FALSE(result.error().message.empty());
}

TEST(SplitUserPath, SplitsARelativePathIntoItsComponents) {
  auto result = split_user_path("photos/2024/beach.jpg");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, (std::vector<std::string>{"photos", "2024", "beach.jpg"}));
}

TEST(SplitUserPath, AcceptsUnicodeHiddenAndOddButHarmlessNames) {
  for (std::string_view path : {"Ünïcödé/日本語.txt", ".bashrc", "a b/c-d_e", "..a", "a..b",
                                "emoji 😀", ".netdisk-other", "x.tar.gz"}) {
    EXPECT_TRUE(split_user_path(path).ok()) << path;
  }
}

TEST(SplitUserPath, RefusesParentAndCurrentFolderComponents) {
  for (std::string_view path : {"..", ".", "../x", "a/../../b", "a/..", "./a", "a/./b"}) {
    expect_refused(path);
  }
}

TEST(SplitUserPath, RefusesAbsolutePaths) {
  expect_refused("/etc/passwd");
  expect_refused("/");
}

TEST(SplitUserPath, RefusesEmptyComponentsAndTheEmptyPath) {
  for (std::string_view path : {"", "a//b", "a/", "a./", "//"}) expect_refused(path);
}

TEST(SplitUserPath, RefusesBackslashesNulAndControlBytes) {
  expect_refused("a\\b");
  expect_refused("a\0b"s);
  expect_refused("\x01");
  expect_refused("tab\there");
  expect_refused("line\nbreak");
  expect_refused("del\x7f");
}

TEST(SplitUserPath, RefusesInvalidUtf8) {
  for (std::string_view path : {"\xff", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                                "\xf4\x90\x80\x80", "\x80", "ok/\xfe"}) {
    expect_refused(path);
  }
}

TEST(SplitUserPath, RefusesNamesEndingInADotOrASpace) {
  for (std::string_view path : {"a.", "a ", "dir./x", "x/y ", "..."}) expect_refused(path);
}

TEST(SplitUserPath, EnforcesTheComponentAndPathLengthLimits) {
  EXPECT_TRUE(split_user_path(std::string(255, 'a')).ok());
  expect_refused(std::string(256, 'a'));
  std::string path;
  while (path.size() < 4096) path += std::string(99, 'x') + "/";
  path.resize(4096);
  ASSERT_NE(path.back(), '/');
  EXPECT_TRUE(split_user_path(path).ok());
  expect_refused(path + "y");
}

TEST(SplitUserPath, RefusesReservedPrefixes) {
  expect_refused(std::string(kTempPrefix) + "abc");
  expect_refused(std::string(kPartialPrefix) + "abc");
  expect_refused("dir/" + std::string(kPartialPrefix) + "0123");
  EXPECT_TRUE(is_reserved_name(std::string(kTempPrefix) + "x"));
  EXPECT_FALSE(is_reserved_name("netdisk-part.x"));
  // The trash and versions folders (issue #20), and anything inside them.
  expect_refused(std::string(kTrashFolder));
  expect_refused(std::string(kVersionsFolder) + "/abc");
  expect_refused("dir/" + std::string(kTrashFolder));
  EXPECT_TRUE(is_reserved_name(".netdisk-versions"));
}

TEST(SplitUserDirPath, TakesTheEmptyPathAsTheRoot) {
  auto root = split_user_dir_path("");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->empty());
  EXPECT_FALSE(split_user_dir_path("/").ok());
  EXPECT_FALSE(split_user_dir_path("..").ok());
  EXPECT_TRUE(split_user_dir_path("a/b").ok());
}

TEST(JoinComponents, JoinsWithSlashesAndUsesDotForNone) {
  std::vector<std::string> parts{"a", "b", "c"};
  EXPECT_EQ(join_components(parts), "a/b/c");
  EXPECT_EQ(join_components(parts, 2), "a/b");
  EXPECT_EQ(join_components(parts, 0), ".");
}

}  // namespace
}  // namespace netdisk::storage
