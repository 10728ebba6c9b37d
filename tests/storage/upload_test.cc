#include "storage/upload.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "storage/checksum.h"
#include "storage/file_store.h"
#include "storage/safe_path.h"

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

std::span<const std::byte> bytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

std::string checksum_of(std::string_view text) {
  Xxh3Hasher hasher;
  hasher.update(bytes(text));
  return hasher.hex_digest();
}

std::string pattern_text(std::size_t size) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>((i * 31 + i / 7) & 0xff);
  return text;
}

class UploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-upload-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "home" / "alice";
    fs::create_directories(root_);
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
  // Every name in the folder, hidden ones included.
  std::vector<std::string> raw_names(const fs::path& relative = {}) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root_ / relative)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  Status upload(std::string_view path, std::string_view content,
                std::optional<std::string> hash = std::nullopt) {
    auto started = store_->begin_upload(path, content.size(), std::move(hash));
    if (!started) return std::move(started).error();
    if (auto ok = started->write(bytes(content)); !ok) return ok;
    return started->commit();
  }
  static std::string read_fd(int fd) {
    std::string out;
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, got);
    return out;
  }

  fs::path base_;
  fs::path root_;
  std::optional<FileStore> store_;
};

TEST_F(UploadTest, RoundTripStoresTheBytesAndLeavesNoPartialBehind) {
  std::string content = pattern_text(300'000);
  ASSERT_TRUE(upload("file.bin", content).ok());
  EXPECT_EQ(read_file("file.bin"), content);
  EXPECT_EQ(raw_names(), std::vector<std::string>{"file.bin"});
  auto checksum = store_->file_checksum("file.bin");
  EXPECT_EQ(*checksum, checksum_of(content));
}

TEST_F(UploadTest, AnEmptyFileCanBeUploaded) {
  ASSERT_TRUE(upload("empty", "").ok());
  EXPECT_TRUE(fs::is_regular_file(root_ / "empty"));
  EXPECT_EQ(fs::file_size(root_ / "empty"), 0u);
  ASSERT_TRUE(upload("empty-with-hash", "", checksum_of("")).ok());
  EXPECT_EQ(raw_names(), (std::vector<std::string>{"empty", "empty-with-hash"}));
}

TEST_F(UploadTest, OverwriteReplacesContentAndSize) {
  write_file("doc", "a much longer old version of the document");
  ASSERT_TRUE(upload("doc", "new").ok());
  EXPECT_EQ(read_file("doc"), "new");
  EXPECT_EQ(fs::file_size(root_ / "doc"), 3u);
}

TEST_F(UploadTest, AnUploadIntoAMissingFolderOrOntoAFolderIsRefused) {
  EXPECT_EQ(store_->begin_upload("no/such/file", 1, std::nullopt).error().code, Errc::not_found);
  fs::create_directory(root_ / "dir");
  EXPECT_EQ(store_->begin_upload("dir", 1, std::nullopt).error().code, Errc::is_a_directory);
  EXPECT_EQ(store_->begin_upload("x", 1, std::string("nothex")).error().code, Errc::bad_request);
}

TEST_F(UploadTest, DroppingAnUnhashedUploadLeavesNoFileAndTheOldTargetIntact) {
  write_file("doc", "old");
  {
    auto started = store_->begin_upload("doc", 10, std::nullopt);
    ASSERT_TRUE(started.ok());
    EXPECT_FALSE(started->resumable());
    ASSERT_TRUE(started->write(bytes("half")).ok());
  }
  EXPECT_EQ(read_file("doc"), "old");
  EXPECT_EQ(raw_names(), std::vector<std::string>{"doc"});
}

TEST_F(UploadTest, AResumableUploadContinuesWhereItStopped) {
  std::string content = pattern_text(1'000'000);
  std::string hash = checksum_of(content);
  std::string half = content.substr(0, content.size() / 2);
  {
    auto first = store_->begin_upload("dir-less.bin", content.size(), hash);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_TRUE(first->resumable());
    EXPECT_EQ(first->offset(), 0u);
    ASSERT_TRUE(first->write(bytes(half)).ok());
  }
  // The partial file is kept, hidden from the client, under its reserved prefix.
  auto names = raw_names();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(names[0].starts_with(kPartialPrefix));
  EXPECT_TRUE(store_->list("")->empty());

  auto second = store_->begin_upload("dir-less.bin", content.size(), hash);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->offset(), half.size());
  ASSERT_TRUE(second->write(bytes(std::string_view(content).substr(half.size()))).ok());
  ASSERT_TRUE(second->commit().ok());
  EXPECT_EQ(read_file("dir-less.bin"), content);
  EXPECT_EQ(raw_names(), std::vector<std::string>{"dir-less.bin"});
}

TEST_F(UploadTest, ADifferentSizeOrHashDoesNotResumeSomeoneElsesPartial) {
  std::string content = pattern_text(1000);
  {
    auto first = store_->begin_upload("f", 1000, checksum_of(content));
    ASSERT_TRUE(first->write(bytes(content.substr(0, 500))).ok());
  }
  auto other_size = store_->begin_upload("f", 999, checksum_of(content));
  EXPECT_EQ(other_size->offset(), 0u);
  auto other_name = store_->begin_upload("g", 1000, checksum_of(content));
  EXPECT_EQ(other_name->offset(), 0u);
}

TEST_F(UploadTest, TheSamePartialCannotBeWrittenByTwoUploadsAtOnce) {
  std::string hash = checksum_of("abcd");
  auto first = store_->begin_upload("f", 4, hash);
  ASSERT_TRUE(first.ok());
  auto second = store_->begin_upload("f", 4, hash);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Errc::server_busy);
}

TEST_F(UploadTest, AWrongHashAtCommitIsRefusedAndTheOldTargetKept) {
  write_file("doc", "old");
  auto started = store_->begin_upload("doc", 3, checksum_of("abc"));
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(started->write(bytes("xyz")).ok());
  auto status = started->commit();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::checksum_mismatch);
  EXPECT_EQ(read_file("doc"), "old");
  EXPECT_EQ(raw_names(), std::vector<std::string>{"doc"}) << "the bad partial is removed";
}

TEST_F(UploadTest, WritingPastTheDeclaredSizeIsRefused) {
  auto started = store_->begin_upload("f", 4, std::nullopt);
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(started->write(bytes("abc")).ok());
  auto status = started->write(bytes("de"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::size_mismatch);
  EXPECT_EQ(started->offset(), 3u);
  ASSERT_TRUE(started->write(bytes("d")).ok());
  EXPECT_TRUE(started->commit().ok());
  EXPECT_EQ(read_file("f"), "abcd");
}

TEST_F(UploadTest, CommittingAShortUploadIsASizeMismatch) {
  auto started = store_->begin_upload("f", 4, std::nullopt);
  ASSERT_TRUE(started->write(bytes("ab")).ok());
  EXPECT_EQ(started->commit().error().code, Errc::size_mismatch);
  EXPECT_FALSE(fs::exists(root_ / "f"));
}

TEST_F(UploadTest, TheCallerMayWriteToTheFdItselfAndAdvance) {
  std::string content = "written through fd()";
  auto started = store_->begin_upload("f", content.size(), checksum_of(content));
  ASSERT_TRUE(started.ok());
  ASSERT_EQ(::write(started->fd(), content.data(), 7), 7);
  started->advance(7);
  ASSERT_TRUE(started->write(bytes(std::string_view(content).substr(7))).ok());
  ASSERT_TRUE(started->commit().ok());
  EXPECT_EQ(read_file("f"), content);
}

TEST_F(UploadTest, AdvancingPastTheSizeFailsAtCommitAndRemovesThePartial) {
  auto started = store_->begin_upload("f", 2, std::nullopt);
  ASSERT_EQ(::write(started->fd(), "abc", 3), 3);
  started->advance(3);
  EXPECT_EQ(started->commit().error().code, Errc::size_mismatch);
  EXPECT_TRUE(raw_names().empty());
}

TEST_F(UploadTest, DiscardRemovesEvenAResumablePartial) {
  auto started = store_->begin_upload("f", 4, checksum_of("abcd"));
  ASSERT_TRUE(started->write(bytes("ab")).ok());
  started->discard();
  EXPECT_EQ(started->fd(), -1);
  EXPECT_TRUE(raw_names().empty());
}

TEST_F(UploadTest, AnUploadLargerThanTheFreeSpaceIsRefusedWithoutJunk) {
  auto started = store_->begin_upload("huge", 1ULL << 62, std::nullopt);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, Errc::disk_full);
  EXPECT_TRUE(raw_names().empty());
}

// RLIMIT_FSIZE makes write(2) fail with EFBIG, which maps to disk_full like ENOSPC: a way to
// see a full disk without filling one.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = nullptr;
};

TEST_F(UploadTest, AWriteThatRunsOutOfSpaceRemovesThePartialAndKeepsTheOldTarget) {
  write_file("doc", "old");
  std::string content = pattern_text(64 * 1024);
  auto started = store_->begin_upload("doc", content.size(), checksum_of(content));
  ASSERT_TRUE(started.ok());
  Status status;
  {
    FileSizeLimit limit(4096);
    status = started->write(bytes(content));
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::disk_full);
  EXPECT_EQ(started->fd(), -1);
  EXPECT_EQ(started->commit().error().code, Errc::internal_error);
  EXPECT_EQ(read_file("doc"), "old");
  EXPECT_EQ(raw_names(), std::vector<std::string>{"doc"}) << "even a resumable partial goes";
}

TEST_F(UploadTest, ConcurrentCallsOnOneStoreDoNotInterfere) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string content = pattern_text(10'000 + static_cast<std::size_t>(t));
      std::string name = "file" + std::to_string(t);
      auto status =
          upload(name, content, t % 2 == 0 ? std::optional(checksum_of(content)) : std::nullopt);
      if (status.ok() && !store_->list("").ok()) status = make_error(Errc::io_error, "list");
      results[static_cast<std::size_t>(t)] = std::move(status);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(store_->list("")->size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(raw_names().size(), static_cast<std::size_t>(kThreads));
}

TEST_F(UploadTest, ADownloadRunningWhileTheFileIsOverwrittenReadsTheCompleteOldVersion) {
  std::string old_content = pattern_text(200'000);
  ASSERT_TRUE(upload("movie", old_content).ok());
  auto download = store_->open_for_download("movie");
  ASSERT_TRUE(download.ok());
  char head[1000];
  ASSERT_EQ(::read(download->fd.get(), head, sizeof head), 1000);

  std::string new_content = "the new version";
  ASSERT_TRUE(upload("movie", new_content).ok());

  std::string rest = read_fd(download->fd.get());
  EXPECT_EQ(std::string(head, sizeof head) + rest, old_content);
  EXPECT_EQ(read_file("movie"), new_content);
  auto fresh = store_->open_for_download("movie");
  EXPECT_NE(fresh->version, download->version);
  EXPECT_EQ(fresh->size, new_content.size());
}

TEST_F(UploadTest, TheUploadedFileCarriesItsChecksumFromTheStart) {
  std::string content = pattern_text(5000);
  ASSERT_TRUE(upload("f", content).ok());
  auto before = store_->open_for_download("f");
  EXPECT_EQ(*store_->file_checksum("f"), checksum_of(content));
  auto after = store_->open_for_download("f");
  EXPECT_EQ(before->version, after->version) << "no xattr write after publication";
}

TEST_F(UploadTest, SweepRemovesOnlyOldIdlePartials) {
  fs::create_directories(root_ / "sub");
  auto touch_old = [&](const fs::path& path) {
    std::ofstream(path) << "x";
    timespec times[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 7200, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  };
  touch_old(root_ / (std::string(kPartialPrefix) + "00000000000000000000000000000001"));
  touch_old(root_ / "sub" / ".netdisk-tmp.0000000000000002");
  touch_old(root_ / "old-but-a-user-file");
  std::ofstream(root_ / "sub" / (std::string(kPartialPrefix) + "fresh")) << "x";
  // Held by a live upload: kept even when old.
  auto live = store_->begin_upload("sub/live", 10, checksum_of("0123456789"));
  ASSERT_TRUE(live.ok());
  timespec times[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 7200, 0}};
  ASSERT_EQ(::futimens(live->fd(), times), 0);
  // A symlink to a folder outside is not followed.
  fs::create_directories(base_ / "outside");
  touch_old(base_ / "outside" / (std::string(kPartialPrefix) + "victim"));
  fs::create_directory_symlink(base_ / "outside", root_ / "link");

  auto removed = FileStore::sweep_partial_uploads(base_ / "home", std::chrono::hours(1));
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(raw_names(), (std::vector<std::string>{"link", "old-but-a-user-file", "sub"}));
  std::vector<std::string> kept{std::string(kPartialPrefix) + "fresh", live->partial_name()};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(raw_names("sub"), kept);
  EXPECT_TRUE(fs::exists(base_ / "outside" / (std::string(kPartialPrefix) + "victim")));
}

TEST_F(UploadTest, AFolderWithAnUploadInProgressCannotBeRemoved) {
  fs::create_directory(root_ / "d");
  auto live = store_->begin_upload("d/f", 4, checksum_of("abcd"));
  ASSERT_TRUE(live.ok());
  EXPECT_TRUE(store_->list("d")->empty());
  EXPECT_EQ(store_->remove("d").error().code, Errc::not_empty);
  ASSERT_TRUE(live->write(bytes("abcd")).ok());
  ASSERT_TRUE(live->commit().ok());
  EXPECT_EQ(read_file("d/f"), "abcd");
}

TEST_F(UploadTest, BeginUploadTouchesThePartialSoExpiryCountsFromTheLastActivity) {
  std::string hash = checksum_of("abcd");
  {
    auto first = store_->begin_upload("f", 4, hash);
    ASSERT_TRUE(first->write(bytes("ab")).ok());
    timespec times[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 7200, 0}};
    ASSERT_EQ(::futimens(first->fd(), times), 0);
  }
  { auto again = store_->begin_upload("f", 4, hash); }
  EXPECT_EQ(*FileStore::sweep_partial_uploads(base_ / "home", std::chrono::hours(1)), 0u);
  EXPECT_EQ(raw_names().size(), 1u);
  EXPECT_EQ(*FileStore::sweep_partial_uploads(base_ / "home", std::chrono::seconds(-1)), 1u);
  EXPECT_TRUE(raw_names().empty());
}

}  // namespace
}  // namespace netdisk::storage
