// Real WebDAV clients against the real netdiskd (docs/HTTP.md, "WebDAV"): rclone's webdav
// remote (vendor other) copies a tree with nested folders, a UTF-8 name and an empty file up
// and down with `rclone check` clean, and its files cross byte-identical to and from the TCP
// client; cadaver, scripted, opens, lists, makes a folder, puts, gets, moves and deletes.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    auto name = fs::relative(entry.path(), root).string();
    files[name] = entry.is_directory() ? "<dir>" : read_file(entry.path());
  }
  return files;
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

class DavClientTest : public HttpTest {
 protected:
  // An rclone config with a webdav remote "nd" for alice, in the test's own folder.
  void write_rclone_config() {
    auto obscured = run_shell("rclone obscure " + std::string(kTestPassword));
    ASSERT_EQ(obscured.exit_code, 0) << obscured.err;
    std::string pass = obscured.out.substr(0, obscured.out.find('\n'));
    write_file(work_ / "rclone.conf", "[nd]\ntype = webdav\nurl = " + url("/files/") +
                                          "\nvendor = other\nuser = alice\npass = " + pass + "\n");
  }
  CliResult rclone(const std::string& args) {
    auto result = run_shell("rclone --config " + quoted(work_ / "rclone.conf") +
                            " --low-level-retries 1 --retries 1 " + args + " 2>&1");
    EXPECT_EQ(result.exit_code, 0) << args << "\n" << result.out;
    return result;
  }
};

TEST_F(DavClientTest, RcloneCopiesATreeUpAndDownAndChecksClean) {
  write_rclone_config();
  fs::path up = work_ / "up";
  fs::create_directories(up / "nested" / "deeper" / "深い");
  write_file(up / "top.bin", random_bytes(200'000, 3));
  write_file(up / "empty.txt", "");
  write_file(up / "nested" / "naïve café.txt", "utf-8 name");
  write_file(up / "nested" / "deeper" / "深い" / "file.bin", random_bytes(70'000, 4));
  rclone("copy " + quoted(up) + " nd:tree");
  auto check = rclone("check " + quoted(up) + " nd:tree");
  EXPECT_NE(check.out.find("0 differences found"), std::string::npos) << check.out;
  fs::path down = work_ / "down";
  rclone("copy nd:tree " + quoted(down));
  EXPECT_EQ(files_under(down), files_under(up));
  EXPECT_EQ(files_under(server_->data_dir() / "home" / "alice" / "tree"), files_under(up));
}

TEST_F(DavClientTest, FilesCrossByteIdenticalBetweenWebdavAndTheTcpClient) {
  write_rclone_config();
  auto over_dav = random_bytes(1 << 20, 5);
  write_file(work_ / "dav.bin", over_dav);
  rclone("copyto " + quoted(work_ / "dav.bin") + " nd:from-dav.bin");
  auto alice = logged_in(*server_, "alice");
  EXPECT_EQ(tcp_download(alice, "from-dav.bin"), over_dav);
  auto over_tcp = random_bytes(900'000, 6);
  tcp_upload(alice, "from-tcp.bin", over_tcp);
  rclone("copyto nd:from-tcp.bin " + quoted(work_ / "tcp.bin"));
  EXPECT_EQ(read_file(work_ / "tcp.bin"), over_tcp);
}

TEST_F(DavClientTest, CadaverScriptedOpensListsMakesPutsGetsMovesAndDeletes) {
  fs::path home = work_ / "cadaver-home";
  fs::create_directories(home);
  write_file(home / ".netrc", "machine 127.0.0.1\nlogin alice\npassword password1\n");
  fs::permissions(home / ".netrc", fs::perms::owner_read | fs::perms::owner_write);
  auto data = random_bytes(50'000, 8);
  write_file(work_ / "local.bin", data);
  std::string script = "ls\nmkcol box\nput " + (work_ / "local.bin").string() +
                       " box/put.bin\nget box/put.bin " + (work_ / "got.bin").string() +
                       "\nmove box/put.bin box/moved.bin\nls box\ndelete box/moved.bin\n"
                       "rmcol box\nquit\n";
  auto run = run_program("/usr/bin/cadaver", {url("/files/")}, {{"HOME", home.string()}}, script,
                         120s);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(read_file(work_ / "got.bin"), data) << run.out << run.err;
  EXPECT_NE(run.out.find("moved.bin"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("failed"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(server_->data_dir() / "home" / "alice" / "box")) << run.out;
}

}  // namespace
}  // namespace netdisk::e2e
