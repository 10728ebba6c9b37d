// End-to-end tests of WebDAV on /files/ (docs/HTTP.md, "WebDAV") against the real netdiskd:
// litmus's five suites (basic, copymove, props, locks, http) with zero failures, and the
// statuses and bodies of OPTIONS, PROPFIND (live properties, percent-encoded hrefs, a folder
// of thousands of entries streamed in bounded server memory), MKCOL, DELETE of a tree, COPY
// and MOVE, with curl as the client.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class DavTest : public HttpTest {
 protected:
  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
  std::string as_alice() const { return "-u alice:password1 "; }
  Http propfind(const std::string& path, const std::string& depth, const std::string& body = "") {
    std::string args = as_alice() + "-X PROPFIND -H 'Depth: " + depth + "' ";
    if (!body.empty()) {
      write_file(work_ / "propfind.xml", body);
      args += "-H 'Content-Type: application/xml' --data-binary '@" +
              (work_ / "propfind.xml").string() + "' ";
    }
    return curl(args + "'" + url(path) + "'");
  }
};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The lines of litmus's report that say a test failed (or an error stopped a suite).
std::string failures_in(const std::string& report) {
  std::string failed;
  std::regex bad("(FAIL|ERROR|SKIPPED)");
  std::size_t start = 0;
  while (start < report.size()) {
    auto end = report.find('\n', start);
    if (end == std::string::npos) end = report.size();
    auto line = report.substr(start, end - start);
    if (std::regex_search(line, bad)) failed += line + "\n";
    start = end + 1;
  }
  return failed;
}

// litmus's five suites, one invocation each (a failed suite stops litmus): every test of
// every suite passes, and each suite's summary says so.
TEST_F(DavTest, LitmusFiveSuitesPassWithoutAFailure) {
  for (const char* suite : {"basic", "copymove", "props", "locks", "http"}) {
    // litmus writes debug.log and child.log into its working folder: the test's own.
    auto run = run_program("/bin/sh",
                           {"-c", "cd \"$WORK\" && exec /usr/bin/litmus \"$URL\" alice password1"},
                           {{"TESTS", suite},
                            {"HOME", work_.string()},
                            {"WORK", work_.string()},
                            {"URL", url("/files/")}},
                           "", 300s);
    std::string report = run.out + run.err;
    EXPECT_EQ(run.exit_code, 0) << suite << "\n" << report;
    EXPECT_EQ(failures_in(report), "") << suite << "\n" << report;
    std::smatch summary;
    std::regex line(std::string("summary for `") + suite +
                    "': of ([0-9]+) tests run: ([0-9]+) passed, 0 failed");
    ASSERT_TRUE(std::regex_search(report, summary, line)) << suite << "\n" << report;
    EXPECT_EQ(summary[1].str(), summary[2].str()) << suite << "\n" << report;
  }
}

TEST_F(DavTest, OptionsAdvertisesClassTwoAndEveryMethod) {
  auto got = curl("-X OPTIONS " + url("/files/x"));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("DAV"), "1, 2");
  EXPECT_EQ(got.header("MS-Author-Via"), "DAV");
  EXPECT_EQ(got.header("Allow"),
            "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, "
            "UNLOCK");
  auto patch = curl(as_alice() + "-X PATCH " + url("/files/x"));
  EXPECT_EQ(patch.status, 405);
  EXPECT_EQ(patch.header("Allow"), got.header("Allow"));
}

TEST_F(DavTest, PropfindDepthOneGivesLivePropertiesAndEncodedHrefs) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(alice.call("mkdir", {{"path", "sub dir"}}).ok);
  tcp_upload(alice, "报告 a&b.txt", "twelve bytes");
  auto got = propfind("/files/", "1");
  ASSERT_EQ(got.status, 207) << got.body;
  EXPECT_NE(got.header("Content-Type").find("application/xml"), std::string::npos);
  EXPECT_NE(got.body.find("<D:href>/files/</D:href>"), std::string::npos) << got.body;
  EXPECT_NE(got.body.find("<D:href>/files/sub%20dir/</D:href>"), std::string::npos) << got.body;
  std::string file_href = "/files/%E6%8A%A5%E5%91%8A%20a%26b.txt";
  EXPECT_NE(got.body.find("<D:href>" + file_href + "</D:href>"), std::string::npos) << got.body;
  EXPECT_NE(got.body.find("<D:displayname>报告 a&amp;b.txt</D:displayname>"), std::string::npos);
  EXPECT_NE(got.body.find("<D:getcontentlength>12</D:getcontentlength>"), std::string::npos);
  EXPECT_EQ(count_of(got.body, "<D:collection/>"), 2u) << got.body;
  // getetag is the ETag GET gives, and getlastmodified an RFC 1123 date.
  auto get = curl(as_alice() + "-I '" + url(file_href) + "'");
  ASSERT_FALSE(get.header("ETag").empty());
  EXPECT_NE(got.body.find("<D:getetag>" + get.header("ETag") + "</D:getetag>"), std::string::npos)
      << got.body;
  EXPECT_NE(got.body.find("<D:getlastmodified>" + get.header("Last-Modified")),
            std::string::npos) << got.body;
}

TEST_F(DavTest, PropfindAnswersNamedAndUnknownPropertiesInTheirOwnPropstats) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.txt", "abc");
  auto got = propfind("/files/a.txt", "0",
                      "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\">"
                      "<D:prop><D:getcontentlength/><Z:colour/><D:quota-used-bytes/></D:prop>"
                      "</D:propfind>");
  ASSERT_EQ(got.status, 207) << got.body;
  EXPECT_EQ(count_of(got.body, "<D:response>"), 1u);
  // quota-used-bytes (RFC 4331) is the user's running total: the 3 bytes of a.txt.
  EXPECT_NE(got.body.find("<D:getcontentlength>3</D:getcontentlength>"
                          "<D:quota-used-bytes>3</D:quota-used-bytes></D:prop><D:status>"
                          "HTTP/1.1 200 OK"),
            std::string::npos) << got.body;
  EXPECT_NE(got.body.find("<X:colour xmlns:X=\"urn:z\"/></D:prop>"
                          "<D:status>HTTP/1.1 404 Not Found"),
            std::string::npos) << got.body;
  auto names = propfind("/files/a.txt", "0",
                        "<D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>");
  EXPECT_NE(names.body.find("<D:getetag/>"), std::string::npos) << names.body;
  auto broken = propfind("/files/a.txt", "0", "<D:propfind xmlns:D=\"DAV:\"><D:prop>");
  EXPECT_EQ(broken.status, 400);
  auto entity = propfind("/files/a.txt", "0",
                         "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><D:propfind xmlns:D=\"DAV:\">"
                         "<D:allprop/></D:propfind>");
  EXPECT_EQ(entity.status, 400);
}

TEST_F(DavTest, PropfindOfAFolderOfThousandsStreamsEveryEntryInChunks) {
  fs::create_directories(home() / "big");
  for (int i = 0; i < 2500; ++i) write_file(home() / "big" / ("f" + std::to_string(i)), "");
  auto got = propfind("/files/big/", "1");
  ASSERT_EQ(got.status, 207);
  EXPECT_EQ(got.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(count_of(got.body, "<D:response>"), 2501u);
  EXPECT_NE(got.body.find("<D:href>/files/big/f2499</D:href>"), std::string::npos);
  EXPECT_NE(got.body.rfind("</D:multistatus>"), std::string::npos);
}

// The answer is written a listing page (1,000 entries) at a time: the server's peak memory
// grows by a few pages, not by the body (over 8 MiB for 20,000 entries), whatever the size.
TEST_F(DavTest, PropfindOfTwentyThousandEntriesStreamsInBoundedServerMemory) {
  fs::create_directories(home() / "huge");
  std::string long_tail(100, 'n');  // long names make a big body for few files
  for (int i = 0; i < 20000; ++i) {
    write_file(home() / "huge" / ("f" + std::to_string(100000 + i) + long_tail), "");
  }
  ASSERT_EQ(propfind("/files/", "1").status, 207);  // warm: the session, buffers, the pools
  long before = status_kib(server_->server_pid(), "VmHWM");
  auto got = propfind("/files/huge/", "1");
  long after = status_kib(server_->server_pid(), "VmHWM");
  ASSERT_EQ(got.status, 207);
  EXPECT_EQ(count_of(got.body, "<D:response>"), 20001u);
  ASSERT_GT(got.body.size(), 8u << 20);
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, static_cast<long>(got.body.size() / 1024 / 4))
      << "the server's peak grew by " << (after - before) << " KiB for a " << got.body.size() / 1024
      << " KiB answer";
}

TEST_F(DavTest, MkcolAnswers201Then405And409And415) {
  EXPECT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/new")).status, 201);
  EXPECT_TRUE(fs::is_directory(home() / "new"));
  auto again = curl(as_alice() + "-X MKCOL " + url("/files/new"));
  EXPECT_EQ(again.status, 405);
  EXPECT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/missing/new")).status, 409);
  EXPECT_EQ(curl(as_alice() + "-X MKCOL --data-binary x " + url("/files/body")).status, 415);
  EXPECT_FALSE(fs::exists(home() / "body"));
}

TEST_F(DavTest, DeleteOfAFolderRemovesItsWholeTree) {
  fs::create_directories(home() / "tree" / "deep");
  write_file(home() / "tree" / "deep" / "f.txt", "x");
  EXPECT_EQ(curl(as_alice() + "-X DELETE " + url("/files/tree")).status, 204);
  EXPECT_FALSE(fs::exists(home() / "tree"));
}

TEST_F(DavTest, CopyAndMoveHonourOverwriteDepthAndAnswer201Or204) {
  fs::create_directories(home() / "dir" / "inner");
  write_file(home() / "dir" / "inner" / "f.txt", "inner");
  write_file(home() / "a.txt", "A");
  write_file(home() / "b.txt", "B");
  auto dest = [this](const std::string& path) { return "-H 'Destination: " + url(path) + "' "; };
  EXPECT_EQ(curl(as_alice() + "-X COPY " + dest("/files/c.txt") + url("/files/a.txt")).status,
            201);
  EXPECT_EQ(read_file(home() / "c.txt"), "A");
  auto refused = curl(as_alice() + "-X COPY -H 'Overwrite: F' " + dest("/files/b.txt") +
                      url("/files/a.txt"));
  EXPECT_EQ(refused.status, 412);
  EXPECT_EQ(read_file(home() / "b.txt"), "B");
  EXPECT_EQ(curl(as_alice() + "-X MOVE " + dest("/files/b.txt") + url("/files/a.txt")).status,
            204);
  EXPECT_EQ(read_file(home() / "b.txt"), "A");
  EXPECT_FALSE(fs::exists(home() / "a.txt"));
  EXPECT_EQ(curl(as_alice() + "-X COPY -H 'Depth: 0' " + dest("/files/shallow") +
                 url("/files/dir/")).status, 201);
  EXPECT_TRUE(fs::is_directory(home() / "shallow"));
  EXPECT_TRUE(fs::is_empty(home() / "shallow"));
  EXPECT_EQ(curl(as_alice() + "-X COPY " + dest("/files/deep") + url("/files/dir/")).status, 201);
  EXPECT_EQ(read_file(home() / "deep" / "inner" / "f.txt"), "inner");
  EXPECT_EQ(curl(as_alice() + "-X MOVE " + dest("/files/shallow") + url("/files/deep")).status,
            204);
  EXPECT_EQ(read_file(home() / "shallow" / "inner" / "f.txt"), "inner");
  EXPECT_EQ(curl(as_alice() + "-X COPY " + dest("/files/nowhere/x") + url("/files/b.txt")).status,
            409);
  EXPECT_EQ(curl(as_alice() + "-X COPY " + dest("/files/y") + url("/files/missing")).status, 404);
}

}  // namespace
}  // namespace netdisk::e2e
