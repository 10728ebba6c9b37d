// End-to-end tests of per-user byte quotas (issue #20, "Quotas"; docs/PROTOCOL.md "df",
// docs/HTTP.md "Quotas") against the real netdiskd: refusal at the start of an upload from its
// declared size on TCP (quota_exceeded), on an HTTP/WebDAV PUT (507) and a WebDAV COPY; a
// chunked PUT that announces no size stopped midway with the old file intact; two concurrent
// uploads that cannot pass the quota together; the running total after remove, overwrite and
// a restart; an administrator's quota change taking effect on a running server; and RFC 4331's
// quota properties in PROPFIND.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "client/wire_connection.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/wait_until.h"
#include "tests/e2e/workbook_edit.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint64_t kQuota = 100000;

class Quota : public HttpTest {
 protected:
  void SetUp() override { start({"--default-quota", std::to_string(kQuota)}); }

  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
  std::string as_alice() const { return "-u alice:password1 "; }
  // alice's df as GET /api/df answers it.
  json df() {
    auto got = curl(as_alice() + url("/api/df"));
    EXPECT_EQ(got.status, 200) << got.body;
    return json::parse(got.body, nullptr, false);
  }
  std::uint64_t used() { return df()["used"].get<std::uint64_t>(); }
  // A PUT of `data` to /files/`name` with extra curl arguments.
  Http put(const std::string& name, const std::string& data, const std::string& extra = "") {
    write_file(work_ / "put.bin", data);
    return curl(as_alice() + extra + " -T '" + (work_ / "put.bin").string() + "' " +
                url("/files/" + name));
  }
  static std::string code(const Http& got) {
    auto body = json::parse(got.body, nullptr, false);
    return body.is_object() ? body["error"].value("code", "") : "";
  }
};

TEST_F(Quota, ATcpUploadLargerThanTheQuotaIsRefusedFromItsDeclaredSize) {
  auto alice = logged_in(*server_, "alice");
  auto started = alice.call("upload", {{"path", "big.bin"}, {"size", kQuota + 1}});
  ASSERT_FALSE(started.ok);
  EXPECT_EQ(started.error_code_name, "quota_exceeded");
  EXPECT_FALSE(fs::exists(home() / "big.bin"));
  EXPECT_TRUE(reserved_entries(home()).empty());
  // Exactly the quota fits.
  auto fits = upload(alice, "fits.bin", random_bytes(kQuota, 1), false);
  EXPECT_TRUE(fits.ok) << (fits.error ? fits.error->message : "");
  EXPECT_EQ(used(), kQuota);
  EXPECT_EQ(df()["free"], 0);
  // Full now: even one byte more is refused, on TCP and over HTTP alike.
  EXPECT_EQ(upload(alice, "one.bin", "x", false).error_code_name, "quota_exceeded");
  EXPECT_EQ(put("one.bin", "x").status, 507);
}

TEST_F(Quota, AnHttpPutOverTheQuotaIs507AndTheOldFileStays) {
  auto alice = logged_in(*server_, "alice");
  std::string old_data = random_bytes(30000, 2);
  tcp_upload(alice, "doc.bin", old_data);
  // Replacing needs room for both while the new one arrives: 30000 + 80000 > 100000.
  auto refused = put("doc.bin", random_bytes(80000, 3));
  EXPECT_EQ(refused.status, 507) << refused.body;
  EXPECT_EQ(code(refused), "quota_exceeded");
  EXPECT_TRUE(read_file(home() / "doc.bin") == old_data);
  EXPECT_TRUE(reserved_entries(home()).empty());
  EXPECT_EQ(used(), 30000u);
  // A replacement that fits replaces; the old bytes stay counted, kept as a version, until
  // that version is dropped.
  std::string new_data = random_bytes(60000, 4);
  EXPECT_EQ(put("doc.bin", new_data).status, 200);
  EXPECT_TRUE(read_file(home() / "doc.bin") == new_data);
  EXPECT_EQ(used(), 90000u);
  EXPECT_EQ(alice.call("versions.list", {{"path", "doc.bin"}}).body["versions"].size(), 1u);
}

TEST_F(Quota, AChunkedPutWithoutASizeIsStoppedWhenItOutgrowsTheQuota) {
  auto alice = logged_in(*server_, "alice");
  std::string old_data = random_bytes(20000, 5);
  tcp_upload(alice, "doc.bin", old_data);
  // The body announces no size: the server can only count what arrives.
  auto refused = put("doc.bin", random_bytes(3 * kQuota, 6), "-H 'Transfer-Encoding: chunked'");
  EXPECT_EQ(refused.status, 507) << refused.headers << refused.body;
  EXPECT_TRUE(read_file(home() / "doc.bin") == old_data);
  EXPECT_TRUE(reserved_entries(home()).empty());
  EXPECT_EQ(used(), 20000u);
  EXPECT_EQ(df()["reserved"], 0);
  // A chunked body that fits is taken and counted.
  EXPECT_EQ(put("small.bin", random_bytes(50000, 7), "-H 'Transfer-Encoding: chunked'").status,
            201);
  EXPECT_EQ(used(), 70000u);
}

TEST_F(Quota, TwoConcurrentUploadsCannotTogetherPassTheQuota) {
  auto first = logged_in(*server_, "alice");
  auto second = logged_in(*server_, "alice");
  std::string a = random_bytes(60000, 8), b = random_bytes(60000, 9);
  // The first upload holds its 60000 bytes from its start; the second, begun before the first
  // sent a byte, finds only 40000 left.
  auto started = first.call("upload", {{"path", "a.bin"}, {"size", a.size()}});
  ASSERT_TRUE(started.ok);
  auto refused = second.call("upload", {{"path", "b.bin"}, {"size", b.size()}});
  ASSERT_FALSE(refused.ok);
  EXPECT_EQ(refused.error_code_name, "quota_exceeded");
  first.send("upload.data", {{"stream", a.size()}});
  first.send_raw(a);
  auto done = first.receive();
  ASSERT_TRUE(done && done->ok);
  EXPECT_TRUE(read_file(home() / "a.bin") == a);
  EXPECT_FALSE(fs::exists(home() / "b.bin"));
  auto usage = df();
  EXPECT_EQ(usage["used"], 60000);
  EXPECT_LE(usage["used"].get<std::uint64_t>(), kQuota);
}

TEST_F(Quota, UsageFollowsRemoveAndOverwriteAndIsRecountedAfterARestart) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.bin", random_bytes(10000, 10));
  tcp_upload(alice, "b.bin", random_bytes(20000, 11));
  EXPECT_EQ(used(), 30000u);
  EXPECT_EQ(curl(as_alice() + "-X DELETE " + url("/files/a.bin")).status, 204);
  EXPECT_EQ(used(), 30000u);  // in the trash: still stored
  auto emptied = alice.call("trash.empty", nlohmann::json::object());
  ASSERT_TRUE(emptied.ok);
  EXPECT_EQ(emptied.body["bytes"], 10000);
  EXPECT_EQ(used(), 20000u);
  tcp_upload(alice, "b.bin", random_bytes(5000, 12));  // overwrite: the old 20000 a version
  EXPECT_EQ(used(), 25000u);
  ASSERT_TRUE(alice.call("remove", {{"path", "b.bin"}, {"permanent", true}}).ok);
  EXPECT_EQ(used(), 20000u);
  // A file that appears while the server is down is found by the count at start-up, and so
  // is the version, which no client path names.
  server_->stop();
  write_file(home() / "dropped-in.bin", random_bytes(7000, 13));
  server_->restart();
  EXPECT_EQ(used(), 27000u);
  EXPECT_EQ(df()["quota"], kQuota);
  EXPECT_EQ(df()["free"], kQuota - 27000);
}

TEST_F(Quota, AnAdministratorsQuotaChangeTakesEffectOnTheRunningServer) {
  auto alice = logged_in(*server_, "alice");
  std::string data = random_bytes(150000, 14);
  EXPECT_EQ(upload(alice, "big.bin", data, false).error_code_name, "quota_exceeded");
  auto admin = [&](const std::string& size) {
    return run_program(binary_dir() / "netdiskd", {"admin", "--data", server_->data_dir().string(),
                                                   "user", "quota", "alice", size});
  };
  auto raised = admin("1 MiB");
  ASSERT_EQ(raised.exit_code, 0) << raised.err;
  EXPECT_EQ(df()["quota"], 1u << 20);
  EXPECT_TRUE(upload(alice, "big.bin", data, false).ok);
  // Lowered below what alice holds: nothing stored is touched, new bytes are refused.
  ASSERT_EQ(admin("100 kB").exit_code, 0);
  EXPECT_EQ(upload(alice, "more.bin", "x", false).error_code_name, "quota_exceeded");
  EXPECT_TRUE(read_file(home() / "big.bin") == data);
  EXPECT_EQ(df()["free"], 0);
  // bob keeps the server's default.
  auto bob = curl("-u bob:password1 " + url("/api/df"));
  EXPECT_EQ(json::parse(bob.body)["quota"], kQuota);
  // The administrator's list shows the running total and the quota in force.
  auto listed = run_program(binary_dir() / "netdiskd",
                            {"admin", "--json", "--data", server_->data_dir().string(), "users"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  // A named object: a range-for over a member of a temporary would read it after it is gone.
  json users = json::parse(listed.out)["users"];
  for (const auto& row : users) {
    if (row["username"] == "alice") {
      EXPECT_EQ(row["used"], data.size());
      EXPECT_EQ(row["quota_in_force"], 100000);
    } else {
      EXPECT_EQ(row["used"], 0);
      EXPECT_EQ(row["quota_in_force"], kQuota);
    }
  }
}

// The quota column (F) edited by hand in users.xlsx while the server runs: read at the next
// workbook check, and in force from then on.
class QuotaHandEdit : public Quota {
 protected:
  void SetUp() override {
    start({"--default-quota", std::to_string(kQuota), "--workbook-check-interval", "1"});
  }
};

TEST_F(QuotaHandEdit, AQuotaTypedIntoTheWorkbookTakesEffectOnTheRunningServer) {
  auto alice = logged_in(*server_, "alice");
  std::string data = random_bytes(150000, 19);
  EXPECT_EQ(upload(alice, "big.bin", data, false).error_code_name, "quota_exceeded");
  edit_workbook(*server_, {"set-text", "alice", "F", "1 MiB"});
  EXPECT_TRUE(wait_until([&] { return df()["quota"] == (1u << 20); }, 30s, 100ms));
  EXPECT_TRUE(upload(alice, "big.bin", data, false).ok);
  EXPECT_TRUE(read_file(home() / "big.bin") == data);
}

TEST_F(Quota, AWebDavCopyOverTheQuotaIs507AndCopiesNothing) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.bin", random_bytes(60000, 15));
  auto copy = curl(as_alice() + "-X COPY -H 'Destination: " + url("/files/b.bin") + "' " +
                   url("/files/a.bin"));
  EXPECT_EQ(copy.status, 507) << copy.body;
  EXPECT_FALSE(fs::exists(home() / "b.bin"));
  EXPECT_EQ(used(), 60000u);
  // A copy that fits is counted.
  tcp_upload(alice, "s.bin", random_bytes(10000, 16));
  EXPECT_EQ(curl(as_alice() + "-X COPY -H 'Destination: " + url("/files/t.bin") + "' " +
                 url("/files/s.bin"))
                .status,
            201);
  EXPECT_EQ(used(), 80000u);
}

TEST_F(Quota, PropfindAnswersRfc4331QuotaProperties) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.bin", random_bytes(25000, 17));
  write_file(work_ / "propfind.xml",
             "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
             "<D:quota-used-bytes/><D:quota-available-bytes/></D:prop></D:propfind>");
  auto got = curl(as_alice() + "-X PROPFIND -H 'Depth: 0' --data-binary @'" +
                  (work_ / "propfind.xml").string() + "' " + url("/files/"));
  EXPECT_EQ(got.status, 207);
  EXPECT_NE(got.body.find("<D:quota-used-bytes>25000</D:quota-used-bytes>"), std::string::npos)
      << got.body;
  EXPECT_NE(got.body.find("<D:quota-available-bytes>75000</D:quota-available-bytes>"),
            std::string::npos)
      << got.body;
}

TEST(QuotaNone, WithoutAQuotaDfSaysNoneAndUploadsAreNotLimited) {
  ServerProcess server(ServerProcess::WithHttp{}, kCheapHashing);
  create_user(server, "alice");
  auto alice = logged_in(server, "alice");
  ASSERT_TRUE(upload(alice, "a.bin", random_bytes(300000, 18), false).ok);
  auto df = alice.call("df");
  ASSERT_TRUE(df.ok);
  EXPECT_EQ(df.body["used"], 300000);
  EXPECT_TRUE(df.body["quota"].is_null());
  EXPECT_TRUE(df.body["free"].is_null());
}

// With --quota-drops-versions an upload over quota makes room by dropping the user's oldest
// versions (and only those); without it the same upload is refused (the tests above).
class QuotaDroppingVersions : public Quota {
 protected:
  void SetUp() override {
    start({"--default-quota", std::to_string(kQuota), "--quota-drops-versions"});
  }
};

TEST_F(QuotaDroppingVersions, AnUploadOverQuotaDropsTheOldestVersionsToMakeRoom) {
  auto alice = logged_in(*server_, "alice");
  std::string first = random_bytes(50000, 20), second = random_bytes(30000, 21);
  tcp_upload(alice, "doc.bin", first);
  tcp_upload(alice, "doc.bin", second);  // `first` is a version now: 80000 used
  EXPECT_EQ(used(), 80000u);
  std::string other = random_bytes(40000, 22);
  EXPECT_EQ(put("other.bin", other).status, 201);
  EXPECT_TRUE(read_file(home() / "other.bin") == other);
  EXPECT_TRUE(read_file(home() / "doc.bin") == second);
  EXPECT_EQ(alice.call("versions.list", {{"path", "doc.bin"}}).body["versions"].size(), 0u);
  EXPECT_EQ(used(), 70000u);
  // Nothing but versions is ever dropped: with none left, the upload is refused.
  auto refused = put("more.bin", random_bytes(40000, 23));
  EXPECT_EQ(refused.status, 507) << refused.body;
  EXPECT_EQ(used(), 70000u);
}

}  // namespace
}  // namespace netdisk::e2e
