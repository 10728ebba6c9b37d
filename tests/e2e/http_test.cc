// End-to-end tests of the HTTP side against the real netdiskd, with curl and wget as the
// clients (docs/HTTP.md): resumed downloads, Range/If-Range/416, Basic auth, uploads that the
// TCP protocol sees and the other way round, CSRF refusals, path confinement, header limits
// and timeouts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <string>

#include "client/wire_connection.h"
#include "storage/checksum.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using client::WireConnection;
namespace fs = std::filesystem;

TEST_F(HttpTest, CurlResumesAnInterruptedDownloadByteIdentical) {
  auto data = random_bytes(3 << 20, 7);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "report.pdf", data);
  write_file(work_ / "original", data);
  // An interrupted download: the first 1,000,000 bytes.
  ASSERT_EQ(
      run_shell("cd '" + work_.string() + "' && head -c 1000000 original > report.pdf").exit_code,
      0);
  auto resumed =
      run_shell("cd '" + work_.string() + "' && curl -sS -f -u alice:password1 -C - -O " +
                url("/files/report.pdf"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(run_shell("cmp '" + (work_ / "original").string() + "' '" +
                      (work_ / "report.pdf").string() + "'")
                .exit_code,
            0);
}

TEST_F(HttpTest, WgetContinuesAPartialFileByteIdentical) {
  auto data = random_bytes((2 << 20) + 12345, 8);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "data.bin", data);
  write_file(work_ / "original", data);
  ASSERT_EQ(
      run_shell("cd '" + work_.string() + "' && head -c 777777 original > data.bin").exit_code, 0);
  auto resumed =
      run_shell("cd '" + work_.string() + "' && wget -q -c --user alice --password password1 " +
                url("/files/data.bin"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(run_shell("cmp '" + (work_ / "original").string() + "' '" +
                      (work_ / "data.bin").string() + "'")
                .exit_code,
            0);
}

TEST_F(HttpTest, DownloadCarriesValidatorsAndTheFileName) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "résumé 2026.txt", "hello, web");
  auto stat = alice.call("stat", {{"path", "résumé 2026.txt"}});
  ASSERT_TRUE(stat.ok);
  auto got = curl("-u alice:password1 " + url("/files/r%C3%A9sum%C3%A9%202026.txt"));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "hello, web");
  EXPECT_EQ(got.header("Content-Length"), "10");
  EXPECT_EQ(got.header("ETag"), "\"" + stat.body["version"].get<std::string>() + "\"");
  EXPECT_EQ(got.header("Accept-Ranges"), "bytes");
  EXPECT_FALSE(got.header("Last-Modified").empty());
  EXPECT_EQ(got.header("Content-Disposition"),
            "attachment; filename=\"r_sum_ 2026.txt\"; "
            "filename*=UTF-8''r%C3%A9sum%C3%A9%202026.txt");
  // A revalidation with the ETag is a 304 without a body.
  auto again = curl("-u alice:password1 -H 'If-None-Match: " + got.header("ETag") + "' " +
                    url("/files/r%C3%A9sum%C3%A9%202026.txt"));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(HttpTest, RangeRequestsAnswer206WithExactHeadersAnd416WhenUnsatisfiable) {
  auto data = random_bytes(1000, 9);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "r.bin", data);
  std::string auth = "-u alice:password1 ";
  auto middle = curl(auth + "-H 'Range: bytes=10-19' " + url("/files/r.bin"));
  EXPECT_EQ(middle.status, 206);
  EXPECT_EQ(middle.header("Content-Range"), "bytes 10-19/1000");
  EXPECT_EQ(middle.header("Content-Length"), "10");
  EXPECT_EQ(middle.body, data.substr(10, 10));

  auto open_ended = curl(auth + "-H 'Range: bytes=990-' " + url("/files/r.bin"));
  EXPECT_EQ(open_ended.status, 206);
  EXPECT_EQ(open_ended.header("Content-Range"), "bytes 990-999/1000");
  EXPECT_EQ(open_ended.body, data.substr(990));

  auto suffix = curl(auth + "-H 'Range: bytes=-5' " + url("/files/r.bin"));
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.header("Content-Range"), "bytes 995-999/1000");
  EXPECT_EQ(suffix.body, data.substr(995));

  auto clamped = curl(auth + "-H 'Range: bytes=900-5000' " + url("/files/r.bin"));
  EXPECT_EQ(clamped.status, 206);
  EXPECT_EQ(clamped.header("Content-Range"), "bytes 900-999/1000");

  auto past_end = curl(auth + "-H 'Range: bytes=1000-' " + url("/files/r.bin"));
  EXPECT_EQ(past_end.status, 416);
  EXPECT_EQ(past_end.header("Content-Range"), "bytes */1000");
  EXPECT_EQ(json::parse(past_end.body)["error"]["code"], "offset_out_of_range");

  // More ranges than the server serves (16) are answered with the whole file.
  std::string many = "bytes=0-0";
  for (int i = 1; i <= 16; ++i) many += "," + std::to_string(i * 10) + "-" + std::to_string(i * 10);
  auto too_many = curl(auth + "-H 'Range: " + many + "' " + url("/files/r.bin"));
  EXPECT_EQ(too_many.status, 200);
  EXPECT_EQ(too_many.body, data);

  // A malformed Range is ignored.
  auto malformed = curl(auth + "-H 'Range: bytes=9-3' " + url("/files/r.bin"));
  EXPECT_EQ(malformed.status, 200);
}

TEST_F(HttpTest, IfRangeHonoursTheRangeOnlyWhileTheValidatorStillMatches) {
  auto data = random_bytes(500, 10);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "v.bin", data);
  std::string auth = "-u alice:password1 ";
  auto full = curl(auth + url("/files/v.bin"));
  auto etag = full.header("ETag");
  auto modified = full.header("Last-Modified");
  ASSERT_FALSE(etag.empty());

  auto same_tag =
      curl(auth + "-H 'Range: bytes=100-' -H 'If-Range: " + etag + "' " + url("/files/v.bin"));
  EXPECT_EQ(same_tag.status, 206);
  EXPECT_EQ(same_tag.body, data.substr(100));

  auto same_date =
      curl(auth + "-H 'Range: bytes=100-' -H 'If-Range: " + modified + "' " + url("/files/v.bin"));
  EXPECT_EQ(same_date.status, 206);

  auto other_tag =
      curl(auth + "-H 'Range: bytes=100-' -H 'If-Range: \"stale\"' " + url("/files/v.bin"));
  EXPECT_EQ(other_tag.status, 200);
  EXPECT_EQ(other_tag.body, data);

  auto other_date = curl(auth +
                         "-H 'Range: bytes=100-' "
                         "-H 'If-Range: Sun, 06 Nov 1994 08:49:37 GMT' " +
                         url("/files/v.bin"));
  EXPECT_EQ(other_date.status, 200);

  // After the file changes, the old ETag no longer selects a range.
  tcp_upload(alice, "v.bin", random_bytes(500, 11));
  auto changed =
      curl(auth + "-H 'Range: bytes=100-' -H 'If-Range: " + etag + "' " + url("/files/v.bin"));
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("ETag"), etag);
}

TEST_F(HttpTest, CurlUploadIsDownloadableOverTheTcpProtocol) {
  auto data = random_bytes((1 << 20) + 3, 12);
  write_file(work_ / "up.bin", data);
  auto put = curl("-u alice:password1 -T '" + (work_ / "up.bin").string() + "' " +
                  url("/files/uploaded.bin"));
  EXPECT_EQ(put.status, 201);
  EXPECT_EQ(json::parse(put.body)["size"], data.size());
  auto alice = logged_in(*server_, "alice");
  EXPECT_EQ(tcp_download(alice, "uploaded.bin"), data);

  // Replacing answers 200, and the TCP side sees the new content.
  auto replacement = random_bytes(4096, 13);
  write_file(work_ / "up.bin", replacement);
  auto again = curl("-u alice:password1 -T '" + (work_ / "up.bin").string() + "' " +
                    url("/files/uploaded.bin"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(tcp_download(alice, "uploaded.bin"), replacement);

  // Into a missing folder: 409, as WebDAV would say.
  auto orphan = curl("-u alice:password1 -T '" + (work_ / "up.bin").string() + "' " +
                     url("/files/no/such/dir.bin"));
  EXPECT_EQ(orphan.status, 409);
}

TEST_F(HttpTest, BasicAuthWithAWrongPasswordIs401WithAChallenge) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "secret.txt", "s3cr3t");
  auto wrong = curl("-u alice:wrong " + url("/files/secret.txt"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "Basic realm=\"NetDisk\", charset=\"UTF-8\"");
  EXPECT_EQ(json::parse(wrong.body)["error"]["code"], "auth_failed");
  EXPECT_EQ(wrong.body.find("s3cr3t"), std::string::npos);
  auto none = curl(url("/files/secret.txt"));
  EXPECT_EQ(none.status, 401);
  EXPECT_FALSE(none.header("WWW-Authenticate").empty());
  // Bob's credentials reach only Bob's folder.
  auto bob = curl("-u bob:password1 " + url("/files/secret.txt"));
  EXPECT_EQ(bob.status, 404);
}

TEST_F(HttpTest, CookieSessionsNeedTheCsrfHeaderAndASameOrigin) {
  std::string jar = (work_ / "jar").string();
  std::string json_type = "-H 'Content-Type: application/json' ";
  auto login =
      curl("-c '" + jar + "' -H 'X-NetDisk-CSRF: 1' " + json_type +
           "--data '{\"username\":\"alice\",\"password\":\"password1\"}' " + url("/api/login"));
  ASSERT_EQ(login.status, 200) << login.body;
  auto cookie = login.header("Set-Cookie");
  EXPECT_NE(cookie.find("netdisk_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);

  auto me = curl("-b '" + jar + "' " + url("/api/me"));
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body)["username"], "alice");

  std::string mkdir_body = "--data '{\"path\":\"docs\"}' ";
  auto no_header = curl("-b '" + jar + "' " + json_type + mkdir_body + url("/api/mkdir"));
  EXPECT_EQ(no_header.status, 403);
  EXPECT_EQ(json::parse(no_header.body)["error"]["code"], "permission_denied");

  auto cross_site =
      curl("-b '" + jar + "' -H 'X-NetDisk-CSRF: 1' -H 'Origin: http://evil.example' " + json_type +
           mkdir_body + url("/api/mkdir"));
  EXPECT_EQ(cross_site.status, 403);

  auto bad_referer =
      curl("-b '" + jar + "' -H 'X-NetDisk-CSRF: 1' " + "-H 'Referer: http://evil.example/page' " +
           json_type + mkdir_body + url("/api/mkdir"));
  EXPECT_EQ(bad_referer.status, 403);

  auto delete_without = curl("-b '" + jar + "' -X DELETE " + url("/files/docs"));
  EXPECT_EQ(delete_without.status, 403);

  std::string origin =
      "-H 'Origin: http://127.0.0.1:" + std::to_string(server_->http_port()) + "' ";
  auto allowed = curl("-b '" + jar + "' -H 'X-NetDisk-CSRF: 1' " + origin + json_type + mkdir_body +
                      url("/api/mkdir"));
  EXPECT_EQ(allowed.status, 201) << allowed.body;
  auto listed = curl("-b '" + jar + "' " + url("/api/list?path="));
  EXPECT_EQ(json::parse(listed.body)["entries"][0]["name"], "docs");

  // After logout the cookie is worthless.
  auto out = curl("-b '" + jar + "' -H 'X-NetDisk-CSRF: 1' -X POST " + url("/api/logout"));
  EXPECT_EQ(out.status, 200);
  auto after = curl("-b '" + jar + "' " + url("/api/me"));
  EXPECT_EQ(after.status, 401);
}

TEST_F(HttpTest, PathsStayInsideTheUsersFolder) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "mine.txt", "alice's");
  auto bob = logged_in(*server_, "bob");
  tcp_upload(bob, "bobs.txt", "bob's secret");
  std::string auth = "--path-as-is -u alice:password1 ";
  for (std::string path : {"/files/../bob/bobs.txt", "/files/%2e%2e/bob/bobs.txt",
                           "/files/..%2fbob%2fbobs.txt", "/files/%2E%2E/%2E%2E/users.xlsx",
                           "/files/mine.txt%00.jpg", "/files//etc/passwd", "/files/%zz"}) {
    auto got = curl(auth + "'" + url(path) + "'");
    EXPECT_TRUE(got.status == 400 || got.status == 404) << path << " -> " << got.status;
    EXPECT_EQ(got.body.find("bob's secret"), std::string::npos) << path;
    if (got.status == 400) {
      EXPECT_EQ(json::parse(got.body)["error"]["code"], "invalid_path") << path;
    }
  }
  EXPECT_EQ(curl(auth + "'" + url("/files/mine.txt%00.jpg") + "'").status, 400);
  EXPECT_EQ(curl(auth + "'" + url("/files/%2e%2e/bob/bobs.txt") + "'").status, 400);
}

// WebDAV's class 1 and 2 methods are served (dav_test.cc); the others are 405 with Allow.
TEST_F(HttpTest, UnsupportedMethodsAre405WithAllow) {
  constexpr const char* kAllow =
      "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK";
  auto patch = curl("-u alice:password1 -X PATCH " + url("/files/"));
  EXPECT_EQ(patch.status, 405);
  EXPECT_EQ(patch.header("Allow"), kAllow);
  auto options = curl("-X OPTIONS " + url("/files/x"));
  EXPECT_EQ(options.status, 200);
  EXPECT_EQ(options.header("Allow"), kAllow);
}

TEST_F(HttpTest, OversizedHeadersAre431) {
  std::string big(20000, 'a');
  auto got = curl("-H 'X-Big: " + big + "' " + url("/api/me"));
  EXPECT_EQ(got.status, 431);
}

TEST_F(HttpTest, SlowHeadersAreClosedByTheHeaderTimeout) {
  int fd = connect_loopback(server_->http_port());
  ASSERT_GE(fd, 0);
  std::string partial = "GET /api/me HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  auto start = std::chrono::steady_clock::now();
  pollfd wait{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&wait, 1, 5000), 1) << "the server kept a stalled request open";
  char byte;
  EXPECT_LE(::recv(fd, &byte, 1, 0), 0);  // closed (EOF or reset), no response
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  ::close(fd);
}

TEST_F(HttpTest, ThePageIsServedFromTheBinaryWithASecurityPolicy) {
  auto page = curl(url("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<title>NetDisk</title>"), std::string::npos);
  EXPECT_NE(page.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(curl(url("/app.js")).status, 200);
  EXPECT_EQ(curl(url("/style.css")).status, 200);
  EXPECT_EQ(curl(url("/nothing-here")).status, 404);
}

TEST_F(HttpTest, KeepAliveCarriesSeveralRequestsOnOneConnection) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.txt", "A");
  auto both = run_shell("curl -sS -v -u alice:password1 " + url("/files/a.txt") + " " +
                        url("/files/a.txt") + " 2>&1");
  EXPECT_NE(both.out.find("Re-using existing connection"), std::string::npos) << both.out;
}

}  // namespace
}  // namespace netdisk::e2e
