// davfs2, Linux's WebDAV file system (Debian's davfs2, a FUSE mount), against the real
// netdiskd: alice's /files/ mounted as a folder. A file put over the TCP protocol reads out
// byte for byte; files and a folder written into the mount arrive in her home once unmounted
// (davfs2 uploads on close and flushes at unmount); listings show them. The mount has a
// config of its own in the test's folder (cache, credentials). The test skips only when this
// machine cannot mount FUSE at all, and says why.
#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

class Davfs2 : public HttpTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mount.davfs mounts for root only in this set-up";
    if (!fs::exists("/dev/fuse"))
      GTEST_SKIP() << "this machine has no /dev/fuse: FUSE cannot mount";
    ASSERT_TRUE(fs::exists("/usr/sbin/mount.davfs")) << "davfs2 is missing (scripts/deps.sh)";
    HttpTest::SetUp();
    // Not in the test's own folder (0700): mount.davfs, as the davfs2 user, must reach its cache.
    char folder[] = "/tmp/netdisk-davfs2.XXXXXX";
    ASSERT_NE(::mkdtemp(folder), nullptr);
    config_ = folder;
    fs::permissions(config_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
    mount_point_ = work_ / "mnt";
    fs::create_directories(config_ / "cache");
    fs::create_directories(mount_point_);
    // mount.davfs drops to the davfs2 user for its cache: the layout of /var/cache/davfs2.
    ASSERT_EQ(run_shell("chown root:davfs2 '" + (config_ / "cache").string() + "' && chmod 775 '" +
                        (config_ / "cache").string() + "'")
                  .exit_code,
              0);
    write_file(config_ / "secrets", url("/files/") + " alice password1\n");
    fs::permissions(config_ / "secrets", fs::perms::owner_read | fs::perms::owner_write);
    // buf_size 64 (KiB): davfs2 1.7's default of 16 makes every readdir fail with EINVAL on
    // Linux 6.16 and later (alisarctl/davfs2 issue 22), whatever the server. use_locks is left
    // at davfs2's default (on): /files/ speaks WebDAV class 2.
    write_file(config_ / "davfs2.conf", "cache_dir " + (config_ / "cache").string() + "\nsecrets " +
                                            (config_ / "secrets").string() + "\nbuf_size 64\n");
  }

  void TearDown() override {
    if (mounted_) unmount();
    if (!config_.empty()) fs::remove_all(config_);
    HttpTest::TearDown();
  }

  // Mounts /files/; skips the test when the kernel refuses FUSE, fails on anything else.
  void mount() {
    auto result = run_shell("mount.davfs -o conf='" + (config_ / "davfs2.conf").string() + "' '" +
                            url("/files/") + "' '" + mount_point_.string() + "' 2>&1");
    if (result.exit_code != 0 && result.out.find("fuse") != std::string::npos &&
        (result.out.find("ermission") != std::string::npos ||
         result.out.find("not found") != std::string::npos)) {
      GTEST_SKIP() << "this machine cannot mount FUSE: " << result.out;
    }
    ASSERT_EQ(result.exit_code, 0) << result.out;
    mounted_ = true;
  }

  // Unmounts; umount.davfs returns once mount.davfs has uploaded what was written and ended.
  void unmount() {
    auto result = run_shell("umount '" + mount_point_.string() + "' 2>&1");
    mounted_ = false;
    EXPECT_EQ(result.exit_code, 0) << result.out;
  }

  fs::path home() const { return server_->data_dir() / "home" / "alice"; }

  fs::path config_, mount_point_;
  bool mounted_ = false;
};

TEST_F(Davfs2, AMountedFolderReadsWritesAndListsTheUsersFiles) {
  auto from_tcp = random_bytes(300 * 1024, 21);
  auto written = random_bytes(1 << 20, 22);
  {
    auto alice = logged_in(*server_, "alice");
    tcp_upload(alice, "from-tcp.bin", from_tcp);
  }
  ASSERT_NO_FATAL_FAILURE(mount());
  if (IsSkipped()) return;
  EXPECT_TRUE(read_file(mount_point_ / "from-tcp.bin") == from_tcp);
  write_file(mount_point_ / "in.bin", written);
  fs::create_directory(mount_point_ / "sub");
  write_file(mount_point_ / "sub" / "ünïcödé.txt", "");
  auto listed = names_in(mount_point_);
  EXPECT_TRUE(listed.contains("from-tcp.bin") && listed.contains("in.bin") &&
              listed.contains("sub"));
  EXPECT_EQ(names_in(mount_point_ / "sub"), std::set<std::string>{"ünïcödé.txt"});
  unmount();

  EXPECT_TRUE(read_file(home() / "in.bin") == written) << "in.bin did not arrive whole";
  ASSERT_TRUE(fs::is_regular_file(home() / "sub" / "ünïcödé.txt"));
  EXPECT_EQ(fs::file_size(home() / "sub" / "ünïcödé.txt"), 0u);
  EXPECT_FALSE(fs::exists(home() / "lost+found")) << "davfs2's local folder reached the server";

  // A second mount sees what the first one wrote, from the server.
  ASSERT_NO_FATAL_FAILURE(mount());
  EXPECT_TRUE(read_file(mount_point_ / "in.bin") == written);
  unmount();
}

}  // namespace
}  // namespace netdisk::e2e
