// End-to-end tests of conditional requests on /files (RFC 9110, section 13; docs/HTTP.md,
// "Conditional requests") with curl: If-Match, If-None-Match, If-Unmodified-Since and
// If-Modified-Since on GET, HEAD, PUT and DELETE, 412 and 304 as the RFC says, and a
// conditional PUT that is atomic with the replace.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "client/wire_connection.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kPast = "Sat, 01 Jan 2000 00:00:00 GMT";

class HttpConditionalTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    auto alice = logged_in(*server_, "alice");
    tcp_upload(alice, "doc.txt", "version one");
    etag_ = curl("-u alice:password1 -I " + url("/files/doc.txt")).header("ETag");
    ASSERT_FALSE(etag_.empty());
  }
  // PUT of `content` with extra curl arguments (headers).
  Http put(const std::string& path, const std::string& content, const std::string& headers) {
    write_file(work_ / "put.txt", content);
    return curl("-u alice:password1 -T '" + (work_ / "put.txt").string() + "' " + headers + " " +
                url(path));
  }
  std::string stored(const std::string& name) {
    return read_file(server_->data_dir() / "home" / "alice" / name);
  }
  static std::string code(const Http& got) {
    return json::parse(got.body)["error"]["code"].get<std::string>();
  }

  std::string etag_;
};

TEST_F(HttpConditionalTest, PutWithAStaleIfMatchIs412AndKeepsTheFile) {
  auto stale = put("/files/doc.txt", "lost update", "-H 'If-Match: \"not-the-version\"'");
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(code(stale), "precondition_failed");
  EXPECT_EQ(stored("doc.txt"), "version one");
  // A list holding the current tag passes, and the reply carries the new one.
  auto current = put("/files/doc.txt", "version two", "-H 'If-Match: \"x\", " + etag_ + "'");
  EXPECT_EQ(current.status, 200);
  EXPECT_EQ(stored("doc.txt"), "version two");
  EXPECT_NE(current.header("ETag"), etag_);
  // The old tag is stale now.
  EXPECT_EQ(put("/files/doc.txt", "three", "-H 'If-Match: " + etag_ + "'").status, 412);
  // If-Match on a name with nothing behind it fails too (it would otherwise create it).
  EXPECT_EQ(put("/files/new.txt", "x", "-H 'If-Match: *'").status, 412);
  EXPECT_FALSE(fs::exists(server_->data_dir() / "home" / "alice" / "new.txt"));
}

TEST_F(HttpConditionalTest, PutWithIfNoneMatchStarCreatesButNeverReplaces) {
  auto replace = put("/files/doc.txt", "overwritten", "-H 'If-None-Match: *'");
  EXPECT_EQ(replace.status, 412);
  EXPECT_EQ(stored("doc.txt"), "version one");
  auto create = put("/files/fresh.txt", "created", "-H 'If-None-Match: *'");
  EXPECT_EQ(create.status, 201);
  EXPECT_EQ(stored("fresh.txt"), "created");
  // A PUT whose If-None-Match names the current tag is 412, not 304.
  EXPECT_EQ(put("/files/doc.txt", "x", "-H 'If-None-Match: " + etag_ + "'").status, 412);
}

TEST_F(HttpConditionalTest, PutWithIfUnmodifiedSinceBeforeTheFileIs412) {
  auto old = put("/files/doc.txt", "x", std::string("-H 'If-Unmodified-Since: ") + kPast + "'");
  EXPECT_EQ(old.status, 412);
  EXPECT_EQ(stored("doc.txt"), "version one");
  auto last_modified =
      curl("-u alice:password1 -I " + url("/files/doc.txt")).header("Last-Modified");
  auto fine = put("/files/doc.txt", "y", "-H 'If-Unmodified-Since: " + last_modified + "'");
  EXPECT_EQ(fine.status, 200);
}

TEST_F(HttpConditionalTest, GetAndHeadAnswer412And304AsTheRfcSays) {
  std::string auth = "-u alice:password1 ";
  auto stale = curl(auth + "-H 'If-Match: \"old\"' " + url("/files/doc.txt"));
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.body.find("version one"), std::string::npos);
  auto matching = curl(auth + "-H 'If-Match: " + etag_ + "' " + url("/files/doc.txt"));
  EXPECT_EQ(matching.status, 200);
  EXPECT_EQ(matching.body, "version one");
  EXPECT_EQ(curl(auth + "-I -H 'If-Match: W/" + etag_ + "' " + url("/files/doc.txt")).status,
            412);  // strong comparison: a weak tag never matches
  EXPECT_EQ(curl(auth + "-H 'If-None-Match: W/" + etag_ + "' " + url("/files/doc.txt")).status,
            304);  // weak comparison
  EXPECT_EQ(curl(auth + "-I -H 'If-None-Match: *' " + url("/files/doc.txt")).status, 304);
  auto modified = curl(auth + "-I " + url("/files/doc.txt")).header("Last-Modified");
  EXPECT_EQ(curl(auth + "-H 'If-Modified-Since: " + modified + "' " + url("/files/doc.txt")).status,
            304);
  EXPECT_EQ(curl(auth + "-H 'If-Unmodified-Since: " + kPast + "' " + url("/files/doc.txt")).status,
            412);
  // If-Match is evaluated before If-None-Match: 412 wins over 304.
  EXPECT_EQ(curl(auth + "-H 'If-Match: \"old\"' -H 'If-None-Match: " + etag_ + "' " +
                 url("/files/doc.txt"))
                .status,
            412);
}

TEST_F(HttpConditionalTest, DeleteWithAStaleConditionIs412AndRemovesNothing) {
  std::string auth = "-u alice:password1 -X DELETE ";
  EXPECT_EQ(curl(auth + "-H 'If-Match: \"old\"' " + url("/files/doc.txt")).status, 412);
  EXPECT_EQ(curl(auth + "-H 'If-None-Match: *' " + url("/files/doc.txt")).status, 412);
  EXPECT_EQ(curl(auth + "-H 'If-Unmodified-Since: " + kPast + "' " + url("/files/doc.txt")).status,
            412);
  EXPECT_EQ(stored("doc.txt"), "version one");
  EXPECT_EQ(curl(auth + "-H 'If-Match: " + etag_ + "' " + url("/files/doc.txt")).status, 204);
  EXPECT_FALSE(fs::exists(server_->data_dir() / "home" / "alice" / "doc.txt"));
  // With nothing there the answer is 404, whatever the conditions (RFC 9110, section 13.2.1).
  EXPECT_EQ(curl(auth + "-H 'If-Match: " + etag_ + "' " + url("/files/doc.txt")).status, 404);
}

TEST_F(HttpConditionalTest, ConcurrentPutsOfOneVersionHaveExactlyOneWinner) {
  // Six clients read the same version and each tries to replace it. Whichever commits first
  // wins; the others' If-Match no longer holds at their commit (or before), so they get 412.
  constexpr int kClients = 6;
  std::string script;
  for (int i = 0; i < kClients; ++i) {
    auto body = work_ / ("body" + std::to_string(i));
    write_file(body, random_bytes(2 << 20, static_cast<std::uint32_t>(100 + i)));
    script +=
        "curl -sS -o /dev/null -w '%{http_code}\\n' -u alice:password1 -H 'If-Match: " + etag_ +
        "' -T '" + body.string() + "' " + url("/files/doc.txt") + " > '" +
        (work_ / ("status" + std::to_string(i))).string() + "' & ";
  }
  auto ran = run_shell(script + "wait");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  int ok = 0, refused = 0, winner = -1;
  for (int i = 0; i < kClients; ++i) {
    auto status = read_file(work_ / ("status" + std::to_string(i)));
    if (status == "200\n") {
      ++ok;
      winner = i;
    }
    if (status == "412\n") ++refused;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(refused, kClients - 1);
  ASSERT_GE(winner, 0);
  // Compared as a bool: a failure must not print 2 MiB of bytes.
  EXPECT_TRUE(stored("doc.txt") == read_file(work_ / ("body" + std::to_string(winner))));
}

}  // namespace
}  // namespace netdisk::e2e
