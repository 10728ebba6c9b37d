// End-to-end tests of the trash and versions through the real netdisk and netdiskd (issue
// #20): rm moves into the trash and `trash restore` gives back the same bytes; restore never
// overwrites but takes a new name; `trash empty` and `rm --permanent` delete for good; every
// put over a file keeps the old content as a version, `restore --version` brings one back
// and keeps the one it replaced; and the names of the trash and versions folders reach
// nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "tests/client/client_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

using ClientTrash = ClientTest;

// The first column of each output line (a trash entry's or a version's id).
std::vector<std::string> first_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    words.push_back(line.substr(0, line.find(' ')));
  }
  return words;
}

TEST_F(ClientTrash, RmMovesIntoTheTrashAndRestoreGivesBackTheSameBytes) {
  std::string data = random_bytes(1'500'000, 7);
  write_bytes(local("report.bin"), data);
  ASSERT_EQ(netdisk({"mkdir", "docs"}).exit_code, 0);
  ASSERT_EQ(netdisk({"put", local("report.bin"), "docs/report.bin"}).exit_code, 0);
  auto rm = netdisk({"rm", "docs/report.bin"});
  ASSERT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_FALSE(fs::exists(home() / "docs/report.bin"));

  auto listed = netdisk({"trash"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(std::regex_search(
      listed.out, std::regex("^[0-9a-f]+  [0-9-]+ [0-9:]+ +1500000  docs/report.bin\n$")))
      << listed.out;
  auto restored = netdisk({"trash", "restore", "docs/report.bin"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(read_bytes(home() / "docs/report.bin"), data);
  EXPECT_EQ(netdisk({"trash"}).out, "The trash is empty.\n");
}

TEST_F(ClientTrash, RestoreRefusesToOverwriteAndRestoresUnderANewName) {
  write_bytes(local("a.txt"), "the old one");
  ASSERT_EQ(netdisk({"put", local("a.txt")}).exit_code, 0);
  ASSERT_EQ(netdisk({"rm", "a.txt"}).exit_code, 0);
  write_bytes(local("a.txt"), "the new one");
  ASSERT_EQ(netdisk({"put", local("a.txt")}).exit_code, 0);
  auto id = first_words(netdisk({"trash"}).out).at(0);
  auto refused = netdisk({"trash", "restore", id});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("already_exists"), std::string::npos) << refused.err;
  EXPECT_EQ(read_bytes(home() / "a.txt"), "the new one");
  auto renamed = netdisk({"trash", "restore", id, "--as", "old/a.txt"});
  ASSERT_EQ(renamed.exit_code, 0) << renamed.err;
  EXPECT_EQ(read_bytes(home() / "old/a.txt"), "the old one");
}

TEST_F(ClientTrash, EmptyAndPermanentDeleteForGood) {
  for (const char* name : {"one", "two", "three"}) {
    write_bytes(local(name), name);
    ASSERT_EQ(netdisk({"put", local(name)}).exit_code, 0);
  }
  auto permanent = netdisk({"rm", "--permanent", "one"});
  ASSERT_EQ(permanent.exit_code, 0) << permanent.err;
  ASSERT_EQ(netdisk({"rm", "two", "three"}).exit_code, 0);
  auto trash = netdisk({"trash"}).out;
  EXPECT_EQ(first_words(trash).size(), 2u) << trash;
  EXPECT_EQ(trash.find(" one\n"), std::string::npos) << "a permanent rm skips the trash";
  auto one = netdisk({"trash", "empty", "two"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "deleted 1 entry for good (3 bytes)\n");
  auto all = netdisk({"trash", "empty"});
  EXPECT_EQ(all.out, "deleted 1 entry for good (5 bytes)\n");
  EXPECT_EQ(netdisk({"trash"}).out, "The trash is empty.\n");
  EXPECT_TRUE(fs::is_empty(home() / ".netdisk-trash"));
}

TEST_F(ClientTrash, ThreeOverwritesKeepThreeVersionsAndTheFirstComesBackByteIdentical) {
  std::vector<std::string> contents;
  for (std::uint32_t i = 0; i < 4; ++i) {
    contents.push_back(random_bytes(200'000 + i, 20 + i));
    write_bytes(local("f.bin"), contents.back());
    ASSERT_EQ(netdisk({"put", local("f.bin")}).exit_code, 0);
  }
  auto listed = netdisk({"versions", "f.bin"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto ids = first_words(listed.out);
  ASSERT_EQ(ids.size(), 3u) << listed.out;
  EXPECT_NE(listed.out.find(xxh3(contents[0])), std::string::npos) << listed.out;
  auto restore = netdisk({"restore", "f.bin", "--version", ids.back()});  // the oldest
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(read_bytes(home() / "f.bin"), contents[0]);
  auto after = netdisk({"versions", "f.bin"}).out;
  EXPECT_EQ(first_words(after).size(), 3u) << after;
  EXPECT_NE(after.find(xxh3(contents[3])), std::string::npos) << "the replaced one is kept";
  auto wrong = netdisk({"restore", "f.bin", "--version", "00000000000000000001"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("not_found"), std::string::npos) << wrong.err;
}

TEST_F(ClientTrash, TheTrashAndVersionsFoldersCannotBeNamed) {
  write_bytes(local("x"), "x");
  ASSERT_EQ(netdisk({"put", local("x")}).exit_code, 0);
  ASSERT_EQ(netdisk({"put", local("x")}).exit_code, 0);
  ASSERT_EQ(netdisk({"rm", "x"}).exit_code, 0);
  ASSERT_TRUE(fs::exists(home() / ".netdisk-trash"));
  ASSERT_TRUE(fs::exists(home() / ".netdisk-versions"));
  EXPECT_EQ(netdisk({"ls"}).out, "");
  for (std::string hostile : {".netdisk-trash", ".netdisk-versions", ".netdisk-trash/",
                              "a/../.netdisk-versions", ".netdisk-trash/x"}) {
    for (std::vector<std::string> args : {std::vector<std::string>{"ls", hostile},
                                          {"rm", "-r", hostile},
                                          {"mkdir", hostile},
                                          {"get", hostile, local("out").string()},
                                          {"versions", hostile}}) {
      auto result = netdisk(args);
      EXPECT_NE(result.exit_code, 0) << args[0] << " " << hostile << ": " << result.out;
    }
  }
  auto id = first_words(netdisk({"trash"}).out).at(0);
  auto into = netdisk({"trash", "restore", id, "--as", ".netdisk-versions/x"});
  EXPECT_NE(into.exit_code, 0);
  EXPECT_NE(into.err.find("invalid_path"), std::string::npos) << into.err;
  EXPECT_TRUE(fs::exists(home() / ".netdisk-trash" / id / "item"));
}

TEST_F(ClientTrash, ARecursiveRmTrashesAWholeFolder) {
  write_bytes(local("f"), "inside");
  ASSERT_EQ(netdisk({"mkdir", "-p", "tree/sub"}).exit_code, 0);
  ASSERT_EQ(netdisk({"put", local("f"), "tree/sub/f"}).exit_code, 0);
  auto plain = netdisk({"rm", "tree"});
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(plain.err.find("not_empty"), std::string::npos) << plain.err;
  ASSERT_EQ(netdisk({"rm", "-r", "tree"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(home() / "tree"));
  ASSERT_EQ(netdisk({"trash", "restore", "tree"}).exit_code, 0);
  EXPECT_EQ(read_bytes(home() / "tree/sub/f"), "inside");
}

}  // namespace
}  // namespace netdisk::e2e
