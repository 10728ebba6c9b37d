// End-to-end tests of `get` onto a local file that already exists under the target name (left
// by another tool, an older client, a copy): identical means nothing is transferred; shorter
// means "continue or start over?", continued in place only when the server confirms the bytes
// are its file's start; longer or different means "replace it?". Asked on a pseudo-terminal,
// answered by --resume and --overwrite in scripts; a server crash midway loses no local byte.
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "client/transfer/partial_download.h"
#include "tests/client/client_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using client::PartialDownload;

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

// Writes the first `n` bytes of `from` to `to` (without reading all of a large file).
void copy_prefix(const fs::path& from, const fs::path& to, std::size_t n) {
  std::ifstream in(from, std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  ASSERT_EQ(static_cast<std::size_t>(in.gcount()), n);
  write_bytes(to, bytes);
}

// True when the first `n` bytes of the two files are the same.
bool same_prefix(const fs::path& a, const fs::path& b, std::uint64_t n) {
  return run_shell("cmp -n " + std::to_string(n) + " '" + a.string() + "' '" + b.string() + "'")
             .exit_code == 0;
}

class ClientExistingTarget : public ClientTest {
 protected:
  std::string bytes_ = random_bytes(1 << 20, 21);

  void SetUp() override {
    ClientTest::SetUp();
    write_bytes(local("f.orig"), bytes_);
    auto put = netdisk({"put", local("f.orig"), "f"});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }
  // A 200 MiB file on the server as "big" (and in local("big.orig")).
  void upload_big() {
    make_sparse_file(local("big.orig"), kBig, 8);
    auto put = netdisk({"put", "-q", local("big.orig"), "big"});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }

  static constexpr std::uint64_t kBig = 200ull << 20;
  static constexpr const char* kQuestion = "continue where it stopped (c) or start over (s)?";
};

TEST_F(ClientExistingTarget, ResumeContinuesAShorterTargetInPlaceWhenItsBytesAreTheStart) {
  write_bytes(local("f"), bytes_.substr(0, 300000));
  auto inode = inode_of(local("f"));
  auto get = netdisk({"get", "--resume", "f", local("f")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.err.find("resumed at"), std::string::npos) << get.err;
  EXPECT_NE(get.err.find("offset 300000"), std::string::npos) << get.err;
  EXPECT_EQ(read_bytes(local("f")), bytes_);
  EXPECT_EQ(inode_of(local("f")), inode) << "continued in place, not replaced";
  EXPECT_FALSE(fs::exists(PartialDownload::part_path(local("f"))));
}

TEST_F(ClientExistingTarget, ResumeStartsOverWhenTheLocalBytesDiffer) {
  std::string mine = bytes_.substr(0, 300000);
  mine[1234] ^= 1;
  write_bytes(local("f"), mine);
  auto get = netdisk({"get", "--resume", "f", local("f")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.err.find("started over"), std::string::npos) << get.err;
  EXPECT_NE(get.err.find("differ"), std::string::npos) << get.err;
  EXPECT_EQ(get.err.find("resumed at"), std::string::npos) << get.err;
  EXPECT_EQ(read_bytes(local("f")), bytes_);
}

TEST_F(ClientExistingTarget, OverwriteStartsAShorterTargetOverThroughThePartFile) {
  write_bytes(local("f"), bytes_.substr(0, 300000));
  auto inode = inode_of(local("f"));
  auto get = netdisk({"get", "--overwrite", "f", local("f")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.err.find("resumed"), std::string::npos) << get.err;
  EXPECT_EQ(read_bytes(local("f")), bytes_);
  EXPECT_NE(inode_of(local("f")), inode) << "a new file renamed over the old one";
}

TEST_F(ClientExistingTarget, WithoutATerminalOrAFlagAShorterTargetIsRefusedNamingBothFlags) {
  write_bytes(local("f"), bytes_.substr(0, 300000));
  auto get = netdisk({"get", "f", local("f")});
  EXPECT_EQ(get.exit_code, 1) << get.err;
  EXPECT_NE(get.err.find("--resume"), std::string::npos) << get.err;
  EXPECT_NE(get.err.find("--overwrite"), std::string::npos) << get.err;
  EXPECT_EQ(read_bytes(local("f")), bytes_.substr(0, 300000));
  EXPECT_FALSE(fs::exists(PartialDownload::part_path(local("f"))));
}

TEST_F(ClientExistingTarget, AnIdenticalTargetIsSaidSoAndNothingIsTransferred) {
  write_bytes(local("f"), bytes_);
  auto inode = inode_of(local("f"));
  for (auto flags : std::vector<std::vector<std::string>>{{}, {"--resume"}, {"--overwrite"}}) {
    flags.insert(flags.begin(), "get");
    flags.insert(flags.end(), {"f", local("f")});
    auto get = netdisk(flags);
    EXPECT_EQ(get.exit_code, 0) << get.err;
    EXPECT_NE(get.err.find("already identical"), std::string::npos) << get.err;
    EXPECT_EQ(get.err.find("1.0 MiB in"), std::string::npos) << "no transfer summary: " << get.err;
  }
  EXPECT_EQ(inode_of(local("f")), inode);
  EXPECT_FALSE(fs::exists(PartialDownload::part_path(local("f"))));
}

TEST_F(ClientExistingTarget, ALongerOrDifferentTargetIsReplacedOnlyWithOverwrite) {
  std::string same_size = bytes_;
  same_size[0] ^= 1;
  for (const auto& mine : {bytes_ + "more", same_size}) {
    write_bytes(local("f"), mine);
    for (auto flag : {"", "--resume"}) {
      auto get = std::string(flag).empty() ? netdisk({"get", "f", local("f")})
                                           : netdisk({"get", flag, "f", local("f")});
      EXPECT_EQ(get.exit_code, 1) << get.err;
      EXPECT_NE(get.err.find("use --overwrite to replace it"), std::string::npos) << get.err;
      EXPECT_EQ(read_bytes(local("f")), mine);
    }
    auto replaced = netdisk({"get", "--overwrite", "f", local("f")});
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_EQ(read_bytes(local("f")), bytes_);
  }
}

TEST_F(ClientExistingTarget, ContinueOnATerminalResumesAShorterTarget) {
  write_bytes(local("f"), bytes_.substr(0, 400000));
  auto text = run_answering({"get", "f", local("f")}, kQuestion, "");
  EXPECT_NE(text.find("resumed at"), std::string::npos) << text;
  EXPECT_EQ(read_bytes(local("f")), bytes_);
}

TEST_F(ClientExistingTarget, StartOverOnATerminalDownloadsEverythingAgain) {
  write_bytes(local("f"), bytes_.substr(0, 400000));
  auto text = run_answering({"get", "f", local("f")}, kQuestion, "s");
  EXPECT_EQ(text.find("resumed at"), std::string::npos) << text;
  EXPECT_EQ(read_bytes(local("f")), bytes_);
}

TEST_F(ClientExistingTarget, ContinueOnATerminalSaysWhenTheLocalBytesDifferAndStartsOver) {
  write_bytes(local("f"), std::string(400000, 'x'));
  auto text = run_answering({"get", "f", local("f")}, kQuestion, "c");
  EXPECT_NE(text.find("started over"), std::string::npos) << text;
  EXPECT_EQ(read_bytes(local("f")), bytes_);
}

TEST_F(ClientExistingTarget, AResumeCutByAServerCrashKeepsEveryLocalByteAndFinishesLater) {
  upload_big();
  fs::path target = local("big");
  copy_prefix(local("big.orig"), target, 4 << 20);
  {
    // The rate limit only makes sure the crash comes mid-transfer.
    ChildProcess get(argv({"get", "--resume", "--limit-rate", "20M", "big", target}), env(),
                     local_dir());
    ASSERT_TRUE(wait_for_size(target, 8 << 20));
    server_.kill_hard();
    EXPECT_EQ(get.wait(), 1) << get.err();
  }
  auto held = file_size_or_zero(target);
  ASSERT_GE(held, 8u << 20);
  ASSERT_LT(held, kBig);
  EXPECT_TRUE(same_prefix(local("big.orig"), target, held)) << "the target is still a prefix";

  server_.restart();
  ASSERT_EQ(netdisk({"login", kUser}, {{"NETDISK_PASSWORD", kPassword}}).exit_code, 0);
  auto resumed = netdisk({"get", "--resume", "big", target});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("offset " + std::to_string(held)), std::string::npos) << resumed.err;
  EXPECT_TRUE(same_bytes(local("big.orig"), target));
}

TEST_F(ClientExistingTarget, CtrlCWhileContinuingInPlaceSaysToRunItAgainWithResume) {
  make_sparse_file(local("movie.orig"), 24 << 20, 3);
  ASSERT_EQ(netdisk({"put", "-q", local("movie.orig"), "movie"}).exit_code, 0);
  fs::path target = local("movie");
  copy_prefix(local("movie.orig"), target, 1 << 20);
  {
    ChildProcess get(argv({"get", "--resume", "--limit-rate", "4M", "movie", target}), env(),
                     local_dir());
    ASSERT_TRUE(wait_for_size(target, 2 << 20));
    get.signal(SIGINT);
    EXPECT_EQ(get.wait(), 130);
    EXPECT_NE(get.err().find("get --resume movie"), std::string::npos) << get.err();
  }
  EXPECT_TRUE(same_prefix(local("movie.orig"), target, file_size_or_zero(target)));
  auto again = netdisk({"get", "--resume", "movie", target});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(same_bytes(local("movie.orig"), target));
}

TEST_F(ClientExistingTarget, StartingOverLeavesTheOldFileWholeUntilTheNewOneIsComplete) {
  upload_big();
  fs::path target = local("big");
  std::string old_bytes = random_bytes(4 << 20, 99);
  write_bytes(target, old_bytes);
  {
    ChildProcess get(argv({"get", "--overwrite", "--limit-rate", "20M", "big", target}), env(),
                     local_dir());
    ASSERT_TRUE(wait_for_size(PartialDownload::part_path(target), 4 << 20));
    server_.kill_hard();
    EXPECT_EQ(get.wait(), 1) << get.err();
  }
  EXPECT_EQ(read_bytes(target), old_bytes);
}

}  // namespace
}  // namespace netdisk::e2e
