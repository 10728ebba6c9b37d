// The cache-only open (FileStore::open_for_download_cached, used on an I/O thread for small
// downloads, issue #17) keeps every confinement rule of the ordinary open: symlinks refused
// wherever they are, special files never opened, folders reported, bad paths refused; and it
// answers the same bytes, size and version as the ordinary open for a file it can resolve.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "storage/file_store.h"
#include "planted_tree.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

class CachedOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::PlantedTree tree;
    ASSERT_TRUE(tree.plant("netdisk-cached"));
    base_ = tree.base;
    root_ = tree.root;
    ASSERT_EQ(::mkfifo((root_ / "fifo").c_str(), 0600), 0);
    auto store = FileStore::open(root_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_.emplace(std::move(*store));
  }
  void TearDown() override { fs::remove_all(base_); }

  // The cache-only open of `path`, made twice so the first (ordinary) lookup has filled the
  // kernel's caches: a refusal must not depend on whether the path was cached.
  Result<DownloadFile> open_cached(const std::string& path) {
    (void)store_->open_for_download(path);
    auto opened = store_->open_for_download_cached(path);
    EXPECT_TRUE(opened.has_value()) << path << ": a just-used path should resolve from the cache";
    if (!opened) return make_error(Errc::io_error, "not cached");
    return std::move(*opened);
  }

  fs::path base_;
  fs::path root_;
  std::optional<FileStore> store_;
};

TEST_F(CachedOpenTest, SymlinksAreRefusedWhereverTheyAre) {
  for (const std::string path : {"out/secret.txt", "secret", "inf"}) {
    auto opened = open_cached(path);
    ASSERT_FALSE(opened.ok()) << path;
    EXPECT_EQ(opened.error().code, Errc::invalid_path) << path;
  }
}

TEST_F(CachedOpenTest, SpecialFilesFoldersAndBadPathsAreRefused) {
  auto fifo = open_cached("fifo");  // never opened for reading, so never blocks
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.error().code, Errc::invalid_path);
  auto folder = open_cached("real");
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code, Errc::is_a_directory);
  for (const std::string path : {"../outside/secret.txt", "/etc/passwd", "real/../../x"}) {
    auto bad = store_->open_for_download_cached(path);
    ASSERT_TRUE(bad.has_value()) << path << ": refused before any lookup";
    ASSERT_FALSE(bad->ok()) << path;
    EXPECT_EQ(bad->error().code, Errc::invalid_path) << path;
  }
  auto missing = open_cached("real/none.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(CachedOpenTest, ACachedFileOpensAsTheOrdinaryOpenDoes) {
  auto plain = store_->open_for_download("real/file.txt");
  ASSERT_TRUE(plain.ok());
  auto cached = open_cached("real/file.txt");
  ASSERT_TRUE(cached.ok()) << cached.error().message;
  EXPECT_EQ(cached->size, 4u);
  EXPECT_EQ(cached->version, plain->version);
  EXPECT_EQ(cached->mtime_ns, plain->mtime_ns);
  char bytes[8] = {};
  EXPECT_EQ(::pread(cached->fd.get(), bytes, sizeof bytes, 0), 4);
  EXPECT_EQ(std::string(bytes, 4), "mine");
}

}  // namespace
}  // namespace netdisk::storage
