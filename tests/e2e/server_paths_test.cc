// No reply to any client, over TCP or HTTP, ever shows a server-side path: the test drives many
// error paths (missing files and folders, a file where a folder should be, a symlink, a user
// folder removed or replaced under a logged-in session, bad paths) and checks every message
// for the data folder's absolute path and the test's temporary folder prefix.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

class ServerPaths : public HttpTest {
 protected:
  // Records an error reply (or fails the test when it is not one).
  void note(const protocol::Reply& reply, const std::string& what) {
    EXPECT_FALSE(reply.ok) << what << " succeeded";
    if (!reply.ok)
      replies_.push_back(what + " -> " + reply.error_code_name + ": " + reply.error->message);
  }
  void note(const Http& response, const std::string& what) {
    EXPECT_GE(response.status, 400) << what;
    replies_.push_back(what + " -> " + std::to_string(response.status) + "\n" + response.headers +
                       response.body);
  }
  // The paths no reply may contain.
  std::vector<std::string> forbidden() const {
    return {server_->data_dir().string(), server_->work_dir().string(),
            (fs::temp_directory_path() / "netdisk-e2e-").string()};
  }
  fs::path home(const std::string& user) const { return server_->data_dir() / "home" / user; }

  std::vector<std::string> replies_;
};

TEST_F(ServerPaths, ErrorRepliesOverTcpAndHttpNeverShowAServerPath) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(alice.call("mkdir", {{"path", "docs"}}).ok);
  tcp_upload(alice, "file.txt", "hello");
  // Faults planted behind the server's back: a folder replaced by a file, a symlink.
  fs::remove(home("alice") / "docs");
  write_file(home("alice") / "docs", "now a file");
  fs::create_symlink("/etc", home("alice") / "link");

  for (const char* path : {"missing", "docs", "link", "file.txt", "../x", "/etc"}) {
    note(alice.call("list", {{"path", path}}), std::string("list ") + path);
  }
  for (const char* path : {"missing", "docs/x", "link/passwd", "../x"}) {
    note(alice.call("stat", {{"path", path}}), std::string("stat ") + path);
  }
  note(download(alice, "missing.bin").reply, "download missing.bin");
  note(download(alice, "docs/x").reply, "download docs/x");
  note(alice.call("checksum", {{"path", "missing.bin"}}), "checksum missing.bin");
  note(alice.call("mkdir", {{"path", "a/b"}}), "mkdir a/b");
  note(alice.call("mkdir", {{"path", "docs/b"}, {"parents", true}}), "mkdir -p docs/b");
  note(alice.call("mkdir", {{"path", "file.txt"}}), "mkdir file.txt");
  note(alice.call("remove", {{"path", "missing"}}), "remove missing");
  note(alice.call("rename", {{"from", "missing"}, {"to", "x"}}), "rename missing");
  note(alice.call("rename", {{"from", "file.txt"}, {"to", "docs/x"}}), "rename into a file");
  note(upload(alice, "docs/x.bin", "data"), "upload docs/x.bin");
  note(upload(alice, "link/x.bin", "data"), "upload link/x.bin");

  // The user's folder itself removed, and replaced by a file, under live sessions.
  std::string jar = (work_ / "jar").string();
  curl("-c '" + jar +
       "' -H 'X-NetDisk-CSRF: 1' -H 'Content-Type: application/json' --data "
       "'{\"username\":\"bob\",\"password\":\"password1\"}' " +
       url("/api/login"));
  auto bob = logged_in(*server_, "bob");
  fs::remove_all(home("bob"));
  note(bob.call("list", {{"path", ""}}), "list in a removed folder");
  note(curl("-b '" + jar + "' " + url("/api/list?path=")), "GET /api/list in a removed folder");
  note(curl("-b '" + jar + "' " + url("/files/x.txt")), "GET /files in a removed folder");
  write_file(home("bob"), "not a folder");
  note(curl("-b '" + jar + "' " + url("/api/list?path=")), "GET /api/list, folder is a file");
  note(curl("-u bob:password1 " + url("/files/x.txt")), "GET /files as bob, folder is a file");
  note(greeted(*server_).call("login", {{"username", "bob"}, {"password", "password1"}}),
       "login bob, folder is a file");

  // HTTP on alice's faults, with Basic credentials.
  std::string as_alice = "-u alice:password1 ";
  note(curl(as_alice + url("/files/missing.bin")), "GET /files/missing.bin");
  note(curl(as_alice + url("/files/docs/x")), "GET /files/docs/x");
  note(curl(as_alice + url("/files/link/passwd")), "GET /files/link/passwd");
  note(curl(as_alice + url("/api/list?path=docs")), "GET /api/list docs");
  note(curl(as_alice + url("/api/list?path=link")), "GET /api/list link");
  note(curl(as_alice + "-T /dev/null " + url("/files/docs/y.txt")), "PUT /files/docs/y.txt");
  note(curl(as_alice + "-X DELETE " + url("/files/missing")), "DELETE /files/missing");
  note(curl(as_alice + "-H 'Content-Type: application/json' --data '{\"path\":\"docs/z\"}' " +
            url("/api/mkdir")),
       "POST /api/mkdir docs/z");

  ASSERT_GE(replies_.size(), 30u);
  for (const auto& reply : replies_) {
    for (const auto& path : forbidden()) {
      EXPECT_EQ(reply.find(path), std::string::npos) << "a reply shows " << path << ":\n" << reply;
    }
  }
}

TEST_F(ServerPaths, SystemCallsFailedWithEioAreReportedWithoutAServerPath) {
  std::string token;
  {
    auto alice = greeted(*server_);
    auto login = alice.call("login", {{"username", "alice"}, {"password", kTestPassword}});
    ASSERT_TRUE(login.ok);
    token = login.body["token"];
    tcp_upload(alice, "file.txt", "hello");
  }
  // Every folder change of a file op fails: mkdirat (mkdir), unlinkat (remove), renameat
  // (publishing an upload), renameat2 (rename, and publishing the sessions file at a login).
  const std::string calls = "mkdirat,unlinkat,renameat,renameat2";
  server_->stop();
  server_->set_wrapper({"strace", "-f", "-qq", "-o", (work_ / "strace.log").string(), "-e",
                        "trace=" + calls, "-e", "inject=" + calls + ":error=EIO", "--"});
  server_->restart();

  // A password login cannot record its session now; the one saved before the restart works.
  note(greeted(*server_).call("login", {{"username", "alice"}, {"password", kTestPassword}}),
       "login");
  auto alice = greeted(*server_);
  ASSERT_TRUE(alice.call("login", {{"token", token}}).ok);
  note(alice.call("mkdir", {{"path", "new"}}), "mkdir new");
  note(alice.call("mkdir", {{"path", "a/b"}, {"parents", true}}), "mkdir -p a/b");
  note(alice.call("remove", {{"path", "file.txt"}}), "remove file.txt");
  note(alice.call("rename", {{"from", "file.txt"}, {"to", "moved.txt"}}), "rename file.txt");
  note(upload(alice, "new.bin", random_bytes(100000, 5)), "upload new.bin");
  std::string as_alice = "-u alice:password1 ";
  fs::path body = work_ / "body.txt";
  write_file(body, "data");
  note(curl(as_alice + "-T '" + body.string() + "' " + url("/files/put.txt")), "PUT put.txt");
  note(curl(as_alice + "-X DELETE " + url("/files/file.txt")), "DELETE file.txt");
  std::string json_type = "-H 'Content-Type: application/json' ";
  note(curl(as_alice + json_type + "--data '{\"path\":\"dir\"}' " + url("/api/mkdir")),
       "POST /api/mkdir");
  note(curl(as_alice + json_type + "--data '{\"from\":\"file.txt\",\"to\":\"x.txt\"}' " +
            url("/api/rename")),
       "POST /api/rename");

  ASSERT_EQ(replies_.size(), 10u);
  for (const auto& reply : replies_) {
    EXPECT_NE(reply.find("io_error"), std::string::npos) << reply;
    for (const auto& path : forbidden()) {
      EXPECT_EQ(reply.find(path), std::string::npos) << "a reply shows " << path << ":\n" << reply;
    }
  }
  EXPECT_EQ(read_file(home("alice") / "file.txt"), "hello");
}

}  // namespace
}  // namespace netdisk::e2e
