// End-to-end tests of share links (issue #20, docs/HTTP.md "Share links"): the real netdisk
// makes, lists and revokes links; curl, with no account, fetches and resumes what they name,
// meets their password, expiry and download limit, drops files into a drop box, and tries to
// step outside what a link names. Run against the real netdiskd with HTTP on.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "client/wire_connection.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ShareTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    for (const char* user : {"alice", "bob"}) {
      auto login = as(user, {"login", user});
      ASSERT_EQ(login.exit_code, 0) << login.err;
    }
  }

  // Runs netdisk as `user` (each with a config folder of its own), as a script would.
  CliResult as(const std::string& user, std::vector<std::string> args,
               std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--server", "127.0.0.1:" + std::to_string(server_->port())});
    env.emplace("XDG_CONFIG_HOME", (work_ / ("config-" + user)).string());
    env.emplace("NETDISK_PASSWORD", kTestPassword);
    return run_netdisk(args, env);
  }
  CliResult netdisk(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return as("alice", std::move(args), std::move(env));
  }

  // `netdisk share ARGS` for alice; the URL it prints (the test fails without one).
  std::string share(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), "share");
    auto shared = netdisk(std::move(args), std::move(env));
    EXPECT_EQ(shared.exit_code, 0) << shared.err;
    std::string url = shared.out.substr(0, shared.out.find('\n'));
    EXPECT_TRUE(url.starts_with(HttpTest::url("/s/"))) << shared.out;
    return url;
  }

  // Puts a file in alice's folder, making the folders on its way.
  void put(const std::string& path, const std::string& data) {
    auto alice = logged_in(*server_, "alice");
    if (auto slash = path.rfind('/'); slash != std::string::npos) {
      auto made = alice.call("mkdir", {{"path", path.substr(0, slash)}, {"parents", true}});
      ASSERT_TRUE(made.ok) << made.error_code_name;
    }
    tcp_upload(alice, path, data);
  }
  fs::path home(const std::string& user = "alice") const {
    return server_->data_dir() / "home" / user;
  }
  int status_of(const std::string& args) { return curl(args).status; }
};

TEST_F(ShareTest, AFileLinkDownloadsAnonymouslyWithItsETagAndResumesWithCurl) {
  std::string data = random_bytes(2'000'000, 7);
  put("docs/big.bin", data);
  std::string url = share({"/docs/big.bin"});

  auto whole = curl("'" + url + "'");
  ASSERT_EQ(whole.status, 200) << whole.headers;
  EXPECT_EQ(whole.body, data);
  auto alice = logged_in(*server_, "alice");
  auto stat = alice.call("stat", {{"path", "docs/big.bin"}});
  ASSERT_TRUE(stat.ok);
  EXPECT_EQ(whole.header("etag"), "\"" + stat.body["version"].get<std::string>() + "\"");
  EXPECT_NE(whole.header("content-disposition").find("big.bin"), std::string::npos);

  // A download cut short after 700000 bytes, then resumed by curl itself.
  fs::path partial = work_ / "resumed.bin";
  write_file(partial, data.substr(0, 700'000));
  auto resumed =
      run_shell("curl -sS -C - -o '" + partial.string() + "' -w '%{http_code}' '" + url + "'");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.out, "206");
  EXPECT_EQ(read_file(partial), data);

  // A conditional request with the ETag is answered 304, without the body.
  auto again = curl("-H 'If-None-Match: " + whole.header("etag") + "' '" + url + "'");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(ShareTest, APasswordLinkRefusesWithoutItAndWithAWrongOneAndServesWithIt) {
  put("secret.txt", "for friends only");
  std::string url =
      share({"secret.txt", "--password"}, {{"NETDISK_SHARE_PASSWORD", "open sesame"}});

  auto bare = curl("'" + url + "'");
  EXPECT_EQ(bare.status, 401);
  EXPECT_NE(bare.header("www-authenticate").find("Basic"), std::string::npos);
  EXPECT_EQ(bare.body.find("for friends"), std::string::npos);
  auto wrong = curl("-u 'anyone:not it' '" + url + "'");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.find("for friends"), std::string::npos);
  auto right = curl("-u 'anyone:open sesame' '" + url + "'");
  EXPECT_EQ(right.status, 200);
  EXPECT_EQ(right.body, "for friends only");
}

TEST_F(ShareTest, PasswordGuessingIsThrottledEvenForTheRightPassword) {
  put("secret.txt", "for friends only");
  std::string url =
      share({"secret.txt", "--password"}, {{"NETDISK_SHARE_PASSWORD", "open sesame"}});
  // The throttle lets a few failures through, then makes each next guess wait.
  int guesses = 0;
  Http last;
  for (; guesses < 20; ++guesses) {
    last = curl("-u 'x:guess" + std::to_string(guesses) + "' '" + url + "'");
    if (last.status != 401) break;
  }
  ASSERT_EQ(last.status, 429) << "after " << guesses << " guesses: " << last.body;
  EXPECT_GE(guesses, 5);
  EXPECT_NE(last.body.find("rate_limited"), std::string::npos);
  // While the wait lasts, even the right password is refused without being checked.
  auto right = curl("-u 'x:open sesame' '" + url + "'");
  EXPECT_EQ(right.status, 429);
  EXPECT_EQ(right.body.find("for friends"), std::string::npos);
}

TEST_F(ShareTest, AnExpiredLinkAnswers410AndNothingElse) {
  put("soon.txt", "fleeting");
  std::string url = share({"soon.txt", "--expires", "2s"});
  EXPECT_EQ(status_of("'" + url + "'"), 200);
  ASSERT_TRUE(wait_until([&] { return status_of("'" + url + "'") == 410; }, 20s));
  auto gone = curl("'" + url + "'");
  EXPECT_EQ(gone.body.find("fleeting"), std::string::npos);
  EXPECT_EQ(gone.body.find("soon"), std::string::npos);
  auto listed = netdisk({"shares"});
  EXPECT_NE(listed.out.find("expired"), std::string::npos) << listed.out;
}

TEST_F(ShareTest, MaxDownloadsCountsWholeDownloadsNotResumesThenAnswers410) {
  std::string data = random_bytes(100'000, 3);
  put("once.bin", data);
  std::string url = share({"once.bin", "--max-downloads", "2"});
  auto tail = curl("-r 50000- '" + url + "'");  // a resume: does not use the link up
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, data.substr(50'000));
  EXPECT_EQ(curl("-I '" + url + "'").status, 200);  // HEAD sends no bytes: not counted
  EXPECT_EQ(curl("'" + url + "'").body, data);
  EXPECT_EQ(curl("-r 0-99 '" + url + "'").status, 206);  // starts at byte 0: counted
  auto listed = netdisk({"shares"});
  EXPECT_NE(listed.out.find("2/2"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("exhausted"), std::string::npos) << listed.out;
  auto exhausted = curl("'" + url + "'");
  EXPECT_EQ(exhausted.status, 410);
  EXPECT_NE(exhausted.body.find("share_gone"), std::string::npos);
  EXPECT_EQ(status_of("-r 50000- '" + url + "'"), 410);
}

TEST_F(ShareTest, ARevokedLinkAnswers404ByURLByIdAndByPath) {
  put("a.txt", "a");
  put("b.txt", "b");
  std::string by_url = share({"a.txt"});
  std::string by_path = share({"b.txt"});
  std::string by_path_too = share({"b.txt", "--max-downloads", "5"});
  EXPECT_EQ(status_of("'" + by_url + "'"), 200);

  // Bob cannot revoke alice's link, whatever he names it by.
  auto bobs = as("bob", {"unshare", by_url});
  EXPECT_NE(bobs.exit_code, 0);
  EXPECT_EQ(status_of("'" + by_url + "'"), 200);

  auto revoked = netdisk({"unshare", by_url});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  auto gone = curl("'" + by_url + "'");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body.find("a.txt"), std::string::npos);
  auto both = netdisk({"unshare", "/b.txt"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_NE(both.out.find("revoked 2"), std::string::npos) << both.out;
  EXPECT_EQ(status_of("'" + by_path + "'"), 404);
  EXPECT_EQ(status_of("'" + by_path_too + "'"), 404);
  // A made-up token of the right shape answers exactly as a revoked one.
  auto unknown = curl("'" + HttpTest::url("/s/" + std::string(48, 'a')) + "'");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, gone.body);
}

TEST_F(ShareTest, ADropBoxAcceptsFilesButShowsNothingAndReplacesNothing) {
  put("inbox/existing.txt", "the owner's own");
  std::string url = share({"inbox", "--upload-only"});
  write_file(work_ / "report.txt", "first report");
  write_file(work_ / "report2.txt", "second report");
  EXPECT_EQ(status_of("-T '" + (work_ / "report.txt").string() + "' '" + url + "/report.txt'"),
            201);
  EXPECT_EQ(read_file(home() / "inbox/report.txt"), "first report");
  // The same name again, and the name of a file already there: nothing is replaced.
  EXPECT_EQ(status_of("-T '" + (work_ / "report2.txt").string() + "' '" + url + "/report.txt'"),
            201);
  EXPECT_EQ(status_of("-T '" + (work_ / "report2.txt").string() + "' '" + url + "/existing.txt'"),
            201);
  EXPECT_EQ(read_file(home() / "inbox/report.txt"), "first report");
  EXPECT_EQ(read_file(home() / "inbox/report (1).txt"), "second report");
  EXPECT_EQ(read_file(home() / "inbox/existing.txt"), "the owner's own");
  EXPECT_EQ(read_file(home() / "inbox/existing (1).txt"), "second report");

  auto page = curl("'" + url + "/'");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<input type=\"file\""), std::string::npos);
  for (const char* name : {"report", "existing"}) {
    EXPECT_EQ(page.body.find(name), std::string::npos) << name;
  }
  auto json_page = curl("-H 'Accept: application/json' '" + url + "/'");
  EXPECT_EQ(json_page.body.find("report"), std::string::npos);
  auto fetch = curl("'" + url + "/report.txt'");
  EXPECT_EQ(fetch.status, 404);
  EXPECT_EQ(fetch.body.find("first report"), std::string::npos);
  // Only a plain name straight in the drop box.
  EXPECT_EQ(status_of("-T '" + (work_ / "report.txt").string() + "' '" + url + "/sub/x.txt'"), 404);
  EXPECT_FALSE(fs::exists(home() / "inbox/sub"));
}

TEST_F(ShareTest, NoLinkReachesOutsideWhatItNames) {
  put("pub/inside.txt", "public");
  put("private.txt", "alice's secret");
  auto bob = logged_in(*server_, "bob");
  tcp_upload(bob, "bob.txt", "bob's secret");
  // Planted by hand in the owner's folder: links to a file outside and to bob's folder.
  fs::create_symlink(home() / "private.txt", home() / "pub/link.txt");
  fs::create_symlink(home("bob"), home() / "pub/bobs");
  std::string url = share({"pub"});
  EXPECT_EQ(curl("'" + url + "/inside.txt'").body, "public");

  for (std::string escape :
       {"/../private.txt", "/%2e%2e/private.txt", "/%2E%2E/private.txt", "/..%2fprivate.txt",
        "/.%2e/private.txt", "/link.txt", "/bobs/bob.txt", "/../../bob/bob.txt",
        "/%2e%2e/%2e%2e/bob/bob.txt", "/./inside.txt", "//inside.txt", "/inside.txt%00"}) {
    auto tried = curl("--path-as-is '" + url + escape + "'");
    EXPECT_GE(tried.status, 400) << escape;
    EXPECT_EQ(tried.body.find("secret"), std::string::npos) << escape;
  }
  auto listing = curl("'" + url + "/'");
  EXPECT_EQ(listing.body.find("private"), std::string::npos);
  // A file link has nothing under it.
  std::string file_url = share({"pub/inside.txt"});
  EXPECT_EQ(status_of("--path-as-is '" + file_url + "/../../private.txt'"), 404);
  EXPECT_EQ(status_of("'" + file_url + "/x'"), 404);
  // No link to a symlink itself either: the storage refuses to name it.
  auto symlink_share = netdisk({"share", "pub/link.txt"});
  EXPECT_NE(symlink_share.exit_code, 0);
}

TEST_F(ShareTest, ALinkStopsWorkingWhenItsTargetIsRemovedOrMoved) {
  put("gone.txt", "old");
  put("moved.txt", "moving");
  put("folder/inner.txt", "inner");
  std::string removed = share({"gone.txt"});
  std::string renamed = share({"moved.txt"});
  std::string folder = share({"folder"});
  std::string inner = share({"folder/inner.txt"});

  ASSERT_EQ(netdisk({"rm", "gone.txt"}).exit_code, 0);
  put("gone.txt", "a new file of the same name");
  EXPECT_EQ(status_of("'" + removed + "'"), 404);
  ASSERT_EQ(netdisk({"mv", "moved.txt", "elsewhere.txt"}).exit_code, 0);
  EXPECT_EQ(status_of("'" + renamed + "'"), 404);
  // WebDAV MOVE of the folder ends the links on it and under it.
  auto moved = curl("-u alice:password1 -X MOVE -H 'Destination: " + HttpTest::url("/files/f2") +
                    "' '" + HttpTest::url("/files/folder") + "'");
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(status_of("'" + folder + "/'"), 404);
  EXPECT_EQ(status_of("'" + inner + "'"), 404);
  auto listed = netdisk({"shares"});
  EXPECT_NE(listed.out.find("no share links"), std::string::npos) << listed.out;
}

TEST_F(ShareTest, LinksSurviveARestartAndTheStoreHoldsNoToken) {
  put("kept.txt", "kept");
  std::string url = share({"kept.txt", "--max-downloads", "3"});
  EXPECT_EQ(status_of("'" + url + "'"), 200);
  server_->restart();
  EXPECT_EQ(curl("'" + url + "'").body, "kept");
  std::string token = url.substr(url.rfind('/') + 1);
  ASSERT_EQ(token.size(), 48u);  // 192 random bits
  std::string store = read_file(server_->data_dir() / "shares.txt");
  EXPECT_EQ(store.find(token), std::string::npos);
  EXPECT_NE(store.find("\"downloads\":2"), std::string::npos) << store;
  EXPECT_EQ(fs::status(server_->data_dir() / "shares.txt").permissions() & fs::perms::others_read,
            fs::perms::none);
}

TEST_F(ShareTest, TheOwnerSideWorksOverTcpAndHttpApiAlike) {
  put("x.txt", "x");
  auto alice = logged_in(*server_, "alice");
  auto made = alice.call("share.create", {{"path", "x.txt"}, {"max_downloads", 4}});
  ASSERT_TRUE(made.ok) << made.error_code_name;
  EXPECT_EQ(made.body["kind"], "file");
  auto via_api = curl("-u alice:password1 '" + HttpTest::url("/api/shares") + "'");
  ASSERT_EQ(via_api.status, 200);
  EXPECT_NE(via_api.body.find(made.body["link_id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(via_api.body.find(made.body["token"].get<std::string>()), std::string::npos);
  auto bad = alice.call("share.create", {{"path", "x.txt"}, {"upload_only", true}});
  EXPECT_EQ(bad.error_code_name, "bad_request");
  auto missing = alice.call("share.create", {{"path", "nothing.txt"}});
  EXPECT_EQ(missing.error_code_name, "not_found");
  auto anonymous = greeted(*server_).call("share.list");
  EXPECT_EQ(anonymous.error_code_name, "not_logged_in");
}

}  // namespace
}  // namespace netdisk::e2e
