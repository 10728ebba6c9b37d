#include "storage/file_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/checksum.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-store-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "user";
    fs::create_directory(root_);
    auto store = FileStore::open(root_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_.emplace(std::move(*store));
  }
  void TearDown() override { fs::remove_all(base_); }

  void write_file(const fs::path& relative, std::string_view content) {
    std::ofstream(root_ / relative, std::ios::binary) << content;
  }
  std::string read_file(const fs::path& relative) {
    std::ifstream in(root_ / relative, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static std::string read_fd(int fd) {
    std::string out;
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, got);
    return out;
  }
  std::vector<std::string> listed_names(std::string_view dir) {
    std::vector<std::string> names;
    auto entries = store_->list(dir);
    EXPECT_TRUE(entries.ok()) << entries.error().message;
    if (entries.ok()) {
      for (const auto& entry : *entries) names.push_back(entry.name);
    }
    return names;
  }

  fs::path base_;
  fs::path root_;
  std::optional<FileStore> store_;
};

TEST_F(FileStoreTest, OpenRefusesAMissingFolderAndAFile) {
  EXPECT_EQ(FileStore::open(base_ / "nobody").error().code, Errc::not_found);
  std::ofstream(base_ / "plain") << "x";
  EXPECT_EQ(FileStore::open(base_ / "plain").error().code, Errc::not_a_directory);
}

TEST_F(FileStoreTest, ListSortsByNameInByteOrderAndReportsSizesAndKinds) {
  write_file("b.txt", "12345");
  write_file("B.txt", "1");
  write_file("a", "");
  fs::create_directory(root_ / "dir");
  write_file("\xc3\xa9t\xc3\xa9", "x");  // "été" sorts after ASCII
  auto entries = store_->list("");
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_EQ(entries->size(), 5u);
  EXPECT_EQ((*entries)[0].name, "B.txt");
  EXPECT_EQ((*entries)[1].name, "a");
  EXPECT_EQ((*entries)[2].name, "b.txt");
  EXPECT_EQ((*entries)[2].size, 5u);
  EXPECT_FALSE((*entries)[2].is_directory);
  EXPECT_GT((*entries)[2].mtime_ns, 0);
  EXPECT_EQ((*entries)[3].name, "dir");
  EXPECT_TRUE((*entries)[3].is_directory);
  EXPECT_EQ((*entries)[4].name, "\xc3\xa9t\xc3\xa9");
}

TEST_F(FileStoreTest, ListHidesPartialAndTempFilesAndUnaddressableNames) {
  write_file("visible", "v");
  write_file(std::string(kPartialPrefix) + "0123456789abcdef", "partial");
  write_file(".netdisk-tmp.0123456789abcdef", "temp");
  write_file("bad\\name", "x");
  write_file("trailing.", "x");
  ::mkfifo((root_ / "fifo").c_str(), 0600);
  EXPECT_EQ(listed_names(""), std::vector<std::string>{"visible"});
}

TEST_F(FileStoreTest, ListOfAFileOrAMissingFolderFails) {
  write_file("f", "x");
  EXPECT_EQ(store_->list("f").error().code, Errc::not_a_directory);
  EXPECT_EQ(store_->list("missing").error().code, Errc::not_found);
  EXPECT_EQ(store_->list("../").error().code, Errc::invalid_path);
}

TEST_F(FileStoreTest, ListHandlesTenThousandEntriesAndPages) {
  fs::create_directory(root_ / "many");
  for (int i = 0; i < 10'000; ++i) {
    int fd = ::open((root_ / "many" / fmt::format("f{:05}", i)).c_str(),
                    O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ::close(fd);
  }
  auto entries = store_->list("many");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 10'000u);
  EXPECT_EQ(entries->front().name, "f00000");
  EXPECT_EQ(entries->back().name, "f09999");
  EXPECT_TRUE(std::is_sorted(entries->begin(), entries->end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));

  std::vector<std::string> paged;
  std::string after;
  while (true) {
    auto page = store_->list("many", after, 3'000);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    for (const auto& entry : *page) paged.push_back(entry.name);
    after = page->back().name;
  }
  ASSERT_EQ(paged.size(), 10'000u);
  EXPECT_EQ(paged[3'000], "f03000");
}

// A page is filled past entries it does not serve (symlinks, FIFOs) that sort among the
// page's names: each page still holds `limit` entries, in order, and paging loses none.
TEST_F(FileStoreTest, APageSkipsUnservableEntriesAndStillFillsUp) {
  for (int i = 0; i < 20; ++i) {
    auto name = fmt::format("e{:02}", i);
    if (i % 3 == 1) {
      fs::create_symlink("e00", root_ / name);
    } else if (i % 3 == 2) {
      ASSERT_EQ(::mkfifo((root_ / name).c_str(), 0600), 0);
    } else {
      write_file(name, "x");
    }
  }
  std::vector<std::string> paged;
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store_->list("", after, 2);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    EXPECT_TRUE(page->size() == 2 || paged.size() == 6) << "page after " << after;
    for (const auto& entry : *page) paged.push_back(entry.name);
    after = page->back().name;
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"e00", "e03", "e06", "e09", "e12", "e15", "e18"}));
}

// More unservable names before the page's first entry than one walk's window holds: the
// page is still filled, by walking on from the window's last name.
TEST_F(FileStoreTest, APageFillsPastMoreUnservableNamesThanOneWindowHolds) {
  for (int i = 0; i < 40; ++i) fs::create_symlink("b0", root_ / fmt::format("a{:02}", i));
  write_file("b0", "x");
  write_file("b1", "y");
  write_file("b2", "z");
  auto page = store_->list("", "", 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].name, "b0");
  EXPECT_EQ((*page)[1].name, "b1");
  auto rest = store_->list("", "b1", 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().name, "b2");
}

TEST_F(FileStoreTest, StatDescribesOneEntryOrTheRoot) {
  write_file("f", "abc");
  auto file = store_->stat("f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->size, 3u);
  auto root = store_->stat("");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->is_directory);
  EXPECT_EQ(store_->stat("nope").error().code, Errc::not_found);
}

TEST_F(FileStoreTest, MakeDirectoryWithoutParentsNeedsTheParent) {
  EXPECT_TRUE(store_->make_directory("docs", false).ok());
  EXPECT_TRUE(fs::is_directory(root_ / "docs"));
  EXPECT_EQ(store_->make_directory("docs", false).error().code, Errc::already_exists);
  EXPECT_EQ(store_->make_directory("x/y", false).error().code, Errc::not_found);
  EXPECT_EQ(store_->make_directory("", false).error().code, Errc::invalid_path);
}

TEST_F(FileStoreTest, MakeDirectoryWithParentsCreatesTheWholeChainAndIsIdempotent) {
  ASSERT_TRUE(store_->make_directory("a/b/c", true).ok());
  EXPECT_TRUE(fs::is_directory(root_ / "a/b/c"));
  EXPECT_TRUE(store_->make_directory("a/b/c", true).ok());
  write_file("a/file", "x");
  EXPECT_EQ(store_->make_directory("a/file/d", true).error().code, Errc::not_a_directory);
}

TEST_F(FileStoreTest, RemoveDeletesAFileAndAnEmptyFolderButNotAFullOne) {
  write_file("f", "x");
  fs::create_directories(root_ / "full/inner");
  fs::create_directory(root_ / "empty");
  EXPECT_TRUE(store_->remove("f").ok());
  EXPECT_FALSE(fs::exists(root_ / "f"));
  EXPECT_TRUE(store_->remove("empty").ok());
  EXPECT_FALSE(fs::exists(root_ / "empty"));
  EXPECT_EQ(store_->remove("full").error().code, Errc::not_empty);
  EXPECT_TRUE(fs::exists(root_ / "full/inner"));
  EXPECT_EQ(store_->remove("f").error().code, Errc::not_found);
  EXPECT_EQ(store_->remove("").error().code, Errc::invalid_path);
}

TEST_F(FileStoreTest, RemovingAFolderThatOnlyHoldsIdlePartialsRemovesThemToo) {
  fs::create_directory(root_ / "d");
  write_file(fs::path("d") / (std::string(kPartialPrefix) + "feedfacefeedface"), "x");
  EXPECT_TRUE(store_->remove("d").ok());
  EXPECT_FALSE(fs::exists(root_ / "d"));
}

TEST_F(FileStoreTest, RenameMovesFilesAndFoldersWithinTheStore) {
  write_file("f", "content");
  fs::create_directory(root_ / "dir");
  ASSERT_TRUE(store_->rename("f", "dir/g").ok());
  EXPECT_EQ(read_file("dir/g"), "content");
  EXPECT_FALSE(fs::exists(root_ / "f"));
  ASSERT_TRUE(store_->rename("dir", "dir2").ok());
  EXPECT_EQ(read_file("dir2/g"), "content");
}

TEST_F(FileStoreTest, RenameNeverOverwritesAnExistingTarget) {
  write_file("a", "A");
  write_file("b", "B");
  auto status = store_->rename("a", "b");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::already_exists);
  EXPECT_EQ(read_file("a"), "A");
  EXPECT_EQ(read_file("b"), "B");
}

TEST_F(FileStoreTest, RenameRefusesMissingSourcesAndFoldersIntoThemselves) {
  EXPECT_EQ(store_->rename("missing", "x").error().code, Errc::not_found);
  fs::create_directory(root_ / "d");
  EXPECT_EQ(store_->rename("d", "d/inside").error().code, Errc::invalid_path);
  EXPECT_EQ(store_->rename("d", "nowhere/x").error().code, Errc::not_found);
  EXPECT_EQ(store_->rename("d", "../x").error().code, Errc::invalid_path);
}

TEST_F(FileStoreTest, OpenForDownloadGivesSizeMtimeAndAVersionThatFollowsTheContent) {
  write_file("f", "hello");
  auto first = store_->open_for_download("f");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->size, 5u);
  EXPECT_EQ(read_fd(first->fd.get()), "hello");
  EXPECT_FALSE(first->version.empty());
  auto again = store_->open_for_download("f");
  EXPECT_EQ(again->version, first->version);
  write_file("f", "hello, changed");
  auto changed = store_->open_for_download("f");
  EXPECT_NE(changed->version, first->version);
  EXPECT_EQ(store_->open_for_download("missing").error().code, Errc::not_found);
  fs::create_directory(root_ / "dir");
  EXPECT_EQ(store_->open_for_download("dir").error().code, Errc::is_a_directory);
}

TEST_F(FileStoreTest, FileChecksumIsRecomputedAfterAChangeBehindTheStoresBack) {
  write_file("f", "first");
  auto first = store_->file_checksum("f");
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto fd = store_->open_for_download("f");
  EXPECT_EQ(*prefix_checksum(fd->fd.get(), 5), *first);
  EXPECT_EQ(*store_->file_checksum("f"), *first);
  {
    // Modified in place (same inode): the cached value must not be served.
    std::ofstream out(root_ / "f", std::ios::binary | std::ios::in);
    out << "FIRST, longer";
  }
  auto second = store_->file_checksum("f");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  auto reopened = store_->open_for_download("f");
  EXPECT_EQ(*prefix_checksum(reopened->fd.get(), reopened->size), *second);
}

TEST_F(FileStoreTest, AFiveGibSparseFileHasA64BitSizeAndChecksumsAbove4Gib) {
  constexpr std::uint64_t kSize = 5ULL << 30;
  {
    int fd = ::open((root_ / "big").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kSize)), 0);
    ASSERT_EQ(::pwrite(fd, "tail", 4, static_cast<off_t>(kSize - 4)), 4);
    ::close(fd);
  }
  auto file = store_->open_for_download("big");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->size, kSize);
  auto tail = range_checksum(file->fd.get(), kSize - 4, 4);
  ASSERT_TRUE(tail.ok()) << tail.error().message;
  Xxh3Hasher expected;
  expected.update(std::as_bytes(std::span("tail", 4)));
  EXPECT_EQ(*tail, expected.hex_digest());
  auto near_end = range_checksum(file->fd.get(), kSize - (1 << 20), 1 << 20);
  EXPECT_TRUE(near_end.ok());
  EXPECT_EQ(range_checksum(file->fd.get(), kSize - 4, 5).error().code, Errc::offset_out_of_range);
  EXPECT_EQ(prefix_checksum(file->fd.get(), kSize + 1).error().code, Errc::offset_out_of_range);
  auto listed = store_->stat("big");
  EXPECT_EQ(listed->size, kSize);
}

}  // namespace
}  // namespace netdisk::storage
