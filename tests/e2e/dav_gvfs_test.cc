// GNOME's gvfs (Debian's gvfs-backends and gvfs-daemons, driven by the `gio` tool) against the
// real netdiskd: alice's /files/ mounted as dav://, listed, a file copied in and one copied
// out byte for byte, moved, removed, and unmounted. gvfs runs its daemons on a D-Bus session
// bus, so the whole sequence is one script under dbus-run-session, each step bounded by
// timeout(1) so the script, and with it the bus and the daemons, always ends. The test skips
// only when this machine cannot start a D-Bus session bus at all, and says why.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kDavBackend = "/usr/libexec/gvfsd-dav";

class Gvfs : public HttpTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists("/usr/bin/gio")) << "gio is missing (libglib2.0-bin, scripts/deps.sh)";
    ASSERT_TRUE(fs::exists(kDavBackend)) << "gvfs is missing (gvfs-backends, scripts/deps.sh)";
    ASSERT_TRUE(fs::exists("/usr/bin/dbus-run-session")) << "dbus is missing (scripts/deps.sh)";
    auto bus = run_shell("dbus-run-session -- true 2>&1");
    if (bus.exit_code != 0) GTEST_SKIP() << "no D-Bus session bus here: " << bus.out;
    HttpTest::SetUp();
  }

  // dav://alice@127.0.0.1:PORT/files/ + `path`.
  std::string dav(const std::string& path = "") const {
    return "dav://alice@127.0.0.1:" + std::to_string(server_->http_port()) + "/files/" + path;
  }

  // Runs `steps` (shell lines, each run with `$G` = "timeout 60 gio") after mounting /files/
  // in a fresh D-Bus session, then unmounts. The password goes to `gio mount` on stdin.
  CliResult run_gio(const std::string& steps) {
    fs::path home = work_ / "gvfs-home";
    fs::create_directories(home / "runtime");
    fs::permissions(home / "runtime", fs::perms::owner_all);
    std::string script =
        "set -eu\nG='timeout 60 gio'\n"
        "echo " +
        std::string(kTestPassword) + " | $G mount '" + dav() + "'\n" + steps + "$G mount -u '" +
        dav() + "'\necho gvfs-script-done\n";
    write_file(work_ / "gvfs.sh", script);
    return run_program("/usr/bin/dbus-run-session", {"--", "/bin/sh", (work_ / "gvfs.sh").string()},
                       {{"HOME", home.string()},
                        {"XDG_RUNTIME_DIR", (home / "runtime").string()},
                        {"GIO_USE_VOLUME_MONITOR", "unix"}},
                       "", 240s);
  }

  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
};

TEST_F(Gvfs, GioMountsListsCopiesMovesRemovesAndUnmounts) {
  auto from_tcp = random_bytes(300 * 1024, 31);
  auto copied_in = random_bytes(1 << 20, 32);
  {
    auto alice = logged_in(*server_, "alice");
    tcp_upload(alice, "from-tcp.bin", from_tcp);
  }
  write_file(work_ / "in.bin", copied_in);
  write_file(work_ / "gone.txt", "to be removed");
  std::string local = work_.string();
  auto run = run_gio("echo '== first list'\n$G list '" + dav() + "'\n" + "$G copy '" + local +
                     "/in.bin' '" + dav("in.bin") + "'\n" + "$G copy '" + local + "/gone.txt' '" +
                     dav("gone.txt") + "'\n" + "$G copy '" + dav("from-tcp.bin") + "' '" + local +
                     "/out.bin'\n" + "$G mkdir '" + dav("box") + "'\n" + "$G move '" +
                     dav("in.bin") + "' '" + dav("box/moved.bin") + "'\n" +
                     "echo '== second list'\n$G list '" + dav() + "'\n" + "$G remove '" +
                     dav("gone.txt") + "'\n" + "echo '== third list'\n$G list '" + dav() + "'\n");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err << server_->log();
  EXPECT_NE(run.out.find("gvfs-script-done"), std::string::npos) << run.out << run.err;

  auto first = run.out.substr(0, run.out.find("== second list"));
  auto second = run.out.substr(run.out.find("== second list"));
  second = second.substr(0, second.find("== third list"));
  auto third = run.out.substr(run.out.find("== third list"));
  EXPECT_NE(first.find("from-tcp.bin"), std::string::npos) << run.out;
  EXPECT_NE(second.find("gone.txt"), std::string::npos) << run.out;
  EXPECT_NE(second.find("box"), std::string::npos) << run.out;
  EXPECT_EQ(second.find("in.bin"), std::string::npos) << run.out;  // moved away
  EXPECT_EQ(third.find("gone.txt"), std::string::npos) << run.out;

  EXPECT_TRUE(read_file(work_ / "out.bin") == from_tcp) << "out.bin did not arrive whole";
  EXPECT_TRUE(read_file(home() / "box" / "moved.bin") == copied_in) << "moved.bin differs";
  EXPECT_FALSE(fs::exists(home() / "in.bin"));
  EXPECT_FALSE(fs::exists(home() / "gone.txt"));
  EXPECT_TRUE(reserved_entries(home()).empty()) << "a partial upload was left behind";
}

}  // namespace
}  // namespace netdisk::e2e
