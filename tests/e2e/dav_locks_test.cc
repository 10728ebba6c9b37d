// End-to-end tests of WebDAV locking on /files/ (docs/HTTP.md, "WebDAV"; docs/SECURITY.md,
// "WebDAV") against the real netdiskd, with curl as the client: a lock token is one user's
// (another user's never unlocks nor counts as submitted), a malformed If header is refused
// with nothing changed, an expired lock stops blocking, an If header is read whole from all
// its lines and may tag the top folder, and a lock binds the NetDisk protocol and /api too.
// litmus's locks suite (dav_test.cc) covers the rest of RFC 4918's locking.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::string_view kLockBody =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\">"
    "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
    "<D:owner>test</D:owner></D:lockinfo>";

class DavLocksTest : public HttpTest {
 protected:
  std::string as(const std::string& user) const { return "-u " + user + ":password1 "; }
  fs::path home(const std::string& user) const { return server_->data_dir() / "home" / user; }

  // LOCKs `path` as `user`; returns the response (Lock-Token header: "<token>").
  Http lock(const std::string& user, const std::string& path, const std::string& extra = "") {
    write_file(work_ / "lock.xml", kLockBody);
    return curl(as(user) + "-X LOCK -H 'Content-Type: application/xml' --data-binary '@" +
                (work_ / "lock.xml").string() + "' " + extra + "'" + url(path) + "'");
  }
  Http put(const std::string& user, const std::string& path, const std::string& data,
           const std::string& if_header = "") {
    write_file(work_ / "put.bin", data);
    std::string args = as(user) + "-T '" + (work_ / "put.bin").string() + "' ";
    if (!if_header.empty()) args += "-H 'If: " + if_header + "' ";
    return curl(args + "'" + url(path) + "'");
  }

  // Waits (inotify on the server's log, at most `bound`) until the log holds `text`.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds bound) {
    int watch = ::inotify_init1(IN_CLOEXEC);
    if (watch < 0) return false;
    ::inotify_add_watch(watch, (server_->work_dir() / "server.log").c_str(), IN_MODIFY);
    auto deadline = std::chrono::steady_clock::now() + bound;
    bool found = server_->log().find(text) != std::string::npos;
    while (!found && std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd ready{watch, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count()) + 1) > 0) {
        char events[4096];
        (void)!::read(watch, events, sizeof events);
      }
      found = server_->log().find(text) != std::string::npos;
    }
    ::close(watch);
    return found;
  }
};

std::string token_of(const Http& locked) {
  auto value = locked.header("Lock-Token");
  if (value.size() < 2) return {};
  return value.substr(1, value.size() - 2);  // without the angle brackets
}

TEST_F(DavLocksTest, AnotherUsersTokenNeverUnlocksNorCountsAsSubmitted) {
  ASSERT_EQ(put("alice", "/files/a.txt", "alice's").status, 201);
  ASSERT_EQ(put("bob", "/files/a.txt", "bob's").status, 201);
  auto alice_lock = lock("alice", "/files/a.txt");
  ASSERT_EQ(alice_lock.status, 200) << alice_lock.body;
  auto bob_lock = lock("bob", "/files/a.txt");
  ASSERT_EQ(bob_lock.status, 200) << bob_lock.body;  // the same name in another space
  auto alice_token = token_of(alice_lock), bob_token = token_of(bob_lock);
  ASSERT_TRUE(alice_token.starts_with("urn:uuid:")) << alice_lock.headers;
  ASSERT_NE(alice_token, bob_token);

  // Bob's token, submitted by alice: the If header's list that names it is false (412), and
  // with a list that holds anyway, the lock still counts as not submitted (423).
  EXPECT_EQ(put("alice", "/files/a.txt", "x", "(<" + bob_token + ">)").status, 412);
  auto blocked = put("alice", "/files/a.txt", "x", "(<" + bob_token + ">) (Not <DAV:no-lock>)");
  EXPECT_EQ(blocked.status, 423) << blocked.body;
  EXPECT_NE(blocked.body.find("<D:lock-token-submitted><D:href>/files/a.txt</D:href>"),
            std::string::npos)
      << blocked.body;
  // Alice's token never unlocks bob's lock, nor does it free bob's file for alice.
  auto unlock = curl(as("bob") + "-X UNLOCK -H 'Lock-Token: <" + alice_token + ">' '" +
                     url("/files/a.txt") + "'");
  EXPECT_EQ(unlock.status, 409) << unlock.body;
  EXPECT_NE(unlock.body.find("lock-token-matches-request-uri"), std::string::npos);
  EXPECT_EQ(put("bob", "/files/a.txt", "y").status, 423);
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "alice's");
  EXPECT_EQ(read_file(home("bob") / "a.txt"), "bob's");

  // Each owner's own token works.
  EXPECT_EQ(put("alice", "/files/a.txt", "new", "(<" + alice_token + ">)").status, 200);
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "new");
  auto own = curl(as("bob") + "-X UNLOCK -H 'Lock-Token: <" + bob_token + ">' '" +
                  url("/files/a.txt") + "'");
  EXPECT_EQ(own.status, 204);
  EXPECT_EQ(put("bob", "/files/a.txt", "free").status, 200);
}

TEST_F(DavLocksTest, MalformedIfHeaderIsRefusedWithNothingChanged) {
  ASSERT_EQ(put("alice", "/files/a.txt", "one").status, 201);
  for (std::string bad : {"(<urn:x>", "<urn:x>", "()", "(Not)", "(<urn:x> [\"e\")"}) {
    auto replaced = put("alice", "/files/a.txt", "two", bad);
    EXPECT_EQ(replaced.status, 400) << bad << "\n" << replaced.body;
    auto removed = curl(as("alice") + "-X DELETE -H 'If: " + bad + "' '" + url("/files/a.txt") + "'");
    EXPECT_EQ(removed.status, 400) << bad;
    auto made = curl(as("alice") + "-X MKCOL -H 'If: " + bad + "' '" + url("/files/d") + "'");
    EXPECT_EQ(made.status, 400) << bad;
    auto moved = curl(as("alice") + "-X MOVE -H 'If: " + bad + "' -H 'Destination: " +
                      url("/files/b.txt") + "' '" + url("/files/a.txt") + "'");
    EXPECT_EQ(moved.status, 400) << bad;
    auto locked = lock("alice", "/files/a.txt", "-H 'If: " + bad + "' ");
    EXPECT_EQ(locked.status, 400) << bad;
  }
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "one");
  EXPECT_FALSE(fs::exists(home("alice") / "d"));
  EXPECT_FALSE(fs::exists(home("alice") / "b.txt"));
  // Nothing was locked either: a plain write goes ahead.
  EXPECT_EQ(put("alice", "/files/a.txt", "three").status, 200);
}

TEST_F(DavLocksTest, ExpiredLockNoLongerBlocks) {
  // That a held lock blocks is proven above and by litmus; here only its end matters, so the
  // test waits for the event (the server's sweep dropping it), never for a fixed time.
  ASSERT_EQ(put("alice", "/files/a.txt", "one").status, 201);
  auto locked = lock("alice", "/files/a.txt", "-H 'Timeout: Second-1' ");
  ASSERT_EQ(locked.status, 200) << locked.body;
  EXPECT_NE(locked.body.find("<D:timeout>Second-1</D:timeout>"), std::string::npos)
      << locked.body;
  ASSERT_TRUE(wait_for_log("expired WebDAV lock(s) dropped", 30s)) << server_->log();
  auto found = curl(as("alice") + "-X PROPFIND -H 'Depth: 0' '" + url("/files/a.txt") + "'");
  EXPECT_NE(found.body.find("<D:lockdiscovery/>"), std::string::npos) << found.body;
  EXPECT_EQ(put("alice", "/files/a.txt", "three").status, 200);
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "three");
}

TEST_F(DavLocksTest, AnIfHeaderSentOnSeveralLinesCountsEveryLine) {
  ASSERT_EQ(put("alice", "/files/a.txt", "one").status, 201);
  auto token = token_of(lock("alice", "/files/a.txt"));
  ASSERT_FALSE(token.empty());
  // The first line alone is false and submits no token of the lock: read together, the
  // second line's list holds and submits it.
  write_file(work_ / "put.bin", "two");
  auto two_lines = curl(as("alice") + "-T '" + (work_ / "put.bin").string() +
                        "' -H 'If: (<urn:uuid:not-a-lock>)' -H 'If: (<" + token + ">)' '" +
                        url("/files/a.txt") + "'");
  EXPECT_EQ(two_lines.status, 200) << two_lines.body;
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "two");
  // A tagged line after an untagged one breaks the grammar, as it would on one line.
  auto mixed = curl(as("alice") + "-T '" + (work_ / "put.bin").string() + "' -H 'If: (<" + token +
                    ">)' -H 'If: <" + url("/files/a.txt") + "> (<" + token + ">)' '" +
                    url("/files/a.txt") + "'");
  EXPECT_EQ(mixed.status, 400) << mixed.body;
}

TEST_F(DavLocksTest, ATaggedIfListMayNameTheTopFolder) {
  ASSERT_EQ(put("alice", "/files/a.txt", "one").status, 201);
  auto top = lock("alice", "/files/");  // depth infinity: every name of alice's
  ASSERT_EQ(top.status, 200) << top.body;
  auto token = token_of(top);
  EXPECT_EQ(put("alice", "/files/a.txt", "x").status, 423);
  for (const auto& tag : {url("/files/"), std::string("/files/")}) {
    auto tagged = put("alice", "/files/a.txt", tag, "<" + tag + "> (<" + token + ">)");
    EXPECT_EQ(tagged.status, 200) << tag << "\n" << tagged.body;
    EXPECT_EQ(read_file(home("alice") / "a.txt"), tag);
  }
}

// A name locked over WebDAV is locked for every transport (docs/HTTP.md, "Locks and other
// transports"): the NetDisk protocol and /api cannot change it, the lock's token in an If
// header lets /api through, and the names are free again once unlocked.
TEST_F(DavLocksTest, LocksBindTheTcpProtocolAndTheApi) {
  ASSERT_EQ(put("alice", "/files/a.txt", "webdav").status, 201);
  ASSERT_EQ(curl(as("alice") + "-X MKCOL '" + url("/files/d") + "'").status, 201);
  auto file_token = token_of(lock("alice", "/files/a.txt"));
  auto folder_token = token_of(lock("alice", "/files/d/"));
  ASSERT_FALSE(file_token.empty());
  ASSERT_FALSE(folder_token.empty());

  auto alice = logged_in(*server_, "alice");
  auto expect_locked = [](const protocol::Reply& reply, const std::string& what) {
    EXPECT_FALSE(reply.ok) << what;
    EXPECT_EQ(reply.error_code_name, "locked") << what;
  };
  expect_locked(upload(alice, "a.txt", "tcp", false), "upload over a locked file");
  expect_locked(upload(alice, "d/new.txt", "tcp", false), "upload into a locked folder");
  expect_locked(alice.call("rename", {{"from", "a.txt"}, {"to", "b.txt"}}), "rename");
  expect_locked(alice.call("remove", {{"path", "a.txt"}}), "remove");
  expect_locked(alice.call("remove", {{"path", "d"}}), "remove a locked folder");
  expect_locked(alice.call("mkdir", {{"path", "d/sub"}}), "mkdir in a locked folder");

  auto api = [&](const std::string& route, const std::string& json, const std::string& extra) {
    return curl(as("alice") + "-X POST -H 'Content-Type: application/json' " + extra + "--data '" +
                json + "' '" + url("/api/" + route) + "'");
  };
  auto renamed = api("rename", R"({"from":"a.txt","to":"b.txt"})", "");
  EXPECT_EQ(renamed.status, 423) << renamed.body;
  EXPECT_NE(renamed.body.find("\"locked\""), std::string::npos) << renamed.body;
  EXPECT_EQ(api("mkdir", R"({"path":"d/sub"})", "").status, 423);
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "webdav");
  EXPECT_FALSE(fs::exists(home("alice") / "b.txt"));
  EXPECT_FALSE(fs::exists(home("alice") / "d" / "sub"));
  EXPECT_FALSE(fs::exists(home("alice") / "d" / "new.txt"));

  // The lock's token submitted in an If header: /api may go ahead.
  EXPECT_EQ(api("mkdir", R"({"path":"d/sub"})", "-H 'If: (<" + folder_token + ">)' ").status, 201);
  EXPECT_TRUE(fs::is_directory(home("alice") / "d" / "sub"));
  // Unlocked: the NetDisk protocol writes again.
  auto unlock = curl(as("alice") + "-X UNLOCK -H 'Lock-Token: <" + file_token + ">' '" +
                     url("/files/a.txt") + "'");
  ASSERT_EQ(unlock.status, 204);
  auto replaced = upload(alice, "a.txt", "tcp", false);
  EXPECT_TRUE(replaced.ok) << replaced.error_code_name;
  EXPECT_EQ(read_file(home("alice") / "a.txt"), "tcp");
  // Bob's names are not alice's: her locks never bind him.
  auto bob = logged_in(*server_, "bob");
  EXPECT_TRUE(bob.call("mkdir", {{"path", "d"}}).ok);
}

TEST_F(DavLocksTest, LockOfAnUnmappedUrlCreatesAnEmptyLockedFile) {
  auto locked = lock("alice", "/files/new.txt", "-H 'Depth: 0' ");
  ASSERT_EQ(locked.status, 201) << locked.body;
  EXPECT_EQ(read_file(home("alice") / "new.txt"), "");
  EXPECT_EQ(put("alice", "/files/new.txt", "x").status, 423);
  EXPECT_EQ(lock("alice", "/files/none/new.txt").status, 409);  // no parent folder
}

}  // namespace
}  // namespace netdisk::e2e
