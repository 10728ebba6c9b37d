// Clients that cannot run here, replayed against the real netdiskd with curl: the request
// sequences Windows' WebDAV Mini-Redirector ([MS-WDV], Microsoft-WebDAV-MiniRedir) and macOS
// Finder (WebDAVFS) send to mount a folder and save a file, with their headers and bodies,
// and what each answer must hold for that client to go on (docs/HTTP.md, "Client quirks").
// PROPPATCH of Windows' Win32 properties and Finder's chunked PUT are tested where they are
// built; these replays cover the rest of the two sequences.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

// The properties the Mini-Redirector asks for when it opens a folder or a file: DAV: ones and
// Microsoft's own, which a server that does not keep them answers in a 404 propstat.
constexpr std::string_view kWindowsPropfind =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\" "
    "xmlns:Z=\"urn:schemas-microsoft-com:\"><D:prop><D:name/><D:parentname/><D:href/>"
    "<D:ishidden/><D:isreadonly/><D:getcontenttype/><D:contentclass/><D:getcontentlanguage/>"
    "<D:creationdate/><D:lastaccessed/><D:getlastmodified/><D:getcontentlength/>"
    "<D:iscollection/><D:isstructureddocument/><D:defaultdocument/><D:displayname/><D:isroot/>"
    "<D:resourcetype/><Z:Win32CreationTime/><Z:Win32LastAccessTime/><Z:Win32LastModifiedTime/>"
    "<Z:Win32FileAttributes/></D:prop></D:propfind>";

// Windows' LOCK body: an exclusive write lock whose owner is an href.
constexpr std::string_view kWindowsLock =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope>"
    "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>"
    "DESKTOP-1\\alice</D:href></D:owner></D:lockinfo>";

// Finder's statfs() and stat() PROPFINDs.
constexpr std::string_view kFinderQuota =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
    "<D:quota-available-bytes/><D:quota-used-bytes/></D:prop></D:propfind>";
constexpr std::string_view kFinderStat =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propfind xmlns:D=\"DAV:\"><D:prop>"
    "<D:getlastmodified/><D:getcontentlength/><D:creationdate/><D:resourcetype/></D:prop>"
    "</D:propfind>";
constexpr std::string_view kFinderLock =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope>"
    "<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>"
    "http://www.apple.com/webdav_fs/</D:href></D:owner></D:lockinfo>";

class DavReplayTest : public HttpTest {
 protected:
  // One request as `client` sends it: method, URL path, its own headers, an optional body.
  Http send(const std::string& client_headers, const std::string& method, const std::string& path,
            std::string_view body = {}, const std::string& extra = "") {
    // curl's -X HEAD would wait for a body that never comes: -I is its HEAD.
    std::string verb = method == "HEAD" ? std::string("-I") : "-X " + method;
    std::string args = "-u alice:password1 " + client_headers + " " + verb + " " + extra;
    if (!body.empty()) {
      write_file(work_ / "body.xml", body);
      args += "-H 'Content-Type: text/xml; charset=\"utf-8\"' --data-binary '@" +
              (work_ / "body.xml").string() + "' ";
    }
    return curl(args + "'" + url(path) + "'");
  }
  Http windows(const std::string& method, const std::string& path, std::string_view body = {},
               const std::string& extra = "") {
    return send(
        "-A 'Microsoft-WebDAV-MiniRedir/10.0.19045' -H 'translate: f' "
        "-H 'Connection: Keep-Alive' -H 'Pragma: no-cache' -H 'Cache-Control: no-cache'",
        method, path, body, extra);
  }
  Http finder(const std::string& method, const std::string& path, std::string_view body = {},
              const std::string& extra = "") {
    return send("-A 'WebDAVFS/3.0.0 (03008000) Darwin/22.1.0 (arm64)'", method, path, body, extra);
  }
  // A PUT of `data` (possibly empty: a Content-Length of 0) as the client sends it.
  Http put_as(bool as_windows, const std::string& path, const std::string& data,
              const std::string& extra = "") {
    write_file(work_ / "put.bin", data);
    std::string upload =
        "--data-binary '@" + (work_ / "put.bin").string() + "' -H 'Content-Type:' " + extra;
    return as_windows ? windows("PUT", path, {}, upload) : finder("PUT", path, {}, upload);
  }
  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
};

std::string token_of(const Http& locked) {
  auto value = locked.header("Lock-Token");
  return value.size() < 2 ? std::string() : value.substr(1, value.size() - 2);
}

// The live properties a client reads from one 200 propstat of `body`.
void expect_props(const Http& answer, std::initializer_list<std::string_view> names) {
  EXPECT_EQ(answer.status, 207) << answer.body;
  for (auto name : names) {
    EXPECT_NE(answer.body.find("<D:" + std::string(name)), std::string::npos) << name << "\n"
                                                                              << answer.body;
  }
}

TEST_F(DavReplayTest, WindowsMiniRedirectorMapsTheFolderAndSavesANewFileUnderALock) {
  // Map network drive: OPTIONS of the site root first (a root that is no DAV server makes
  // Windows fail with 0x80070043, "the network name cannot be found"), without credentials.
  auto root = curl("-A 'Microsoft-WebDAV-MiniRedir/10.0.19045' -H 'translate: f' -X OPTIONS '" +
                   url("/") + "'");
  EXPECT_EQ(root.status, 200) << root.headers;
  EXPECT_NE(root.header("DAV").find("2"), std::string::npos) << root.headers;
  EXPECT_EQ(root.header("MS-Author-Via"), "DAV");
  // Then OPTIONS and PROPFIND of the folder (with and without its slash).
  auto options = windows("OPTIONS", "/files/");
  EXPECT_EQ(options.status, 200);
  EXPECT_NE(options.header("DAV").find("2"), std::string::npos) << options.headers;
  EXPECT_EQ(options.header("MS-Author-Via"), "DAV");
  EXPECT_NE(options.header("Allow").find("LOCK"), std::string::npos) << options.headers;
  auto folder = windows("PROPFIND", "/files/", kWindowsPropfind, "-H 'Depth: 0' ");
  expect_props(folder, {"resourcetype><D:collection/>", "getlastmodified", "creationdate"});
  EXPECT_NE(folder.body.find("HTTP/1.1 404"), std::string::npos)  // Microsoft's own names
      << folder.body;
  expect_props(windows("PROPFIND", "/files", kWindowsPropfind, "-H 'Depth: 1' "), {"resourcetype"});

  // Explorer copies a file in: PROPFIND (not there), an empty PUT, LOCK (no Depth), HEAD,
  // the PUT of the bytes with the token in If, UNLOCK.
  EXPECT_EQ(windows("PROPFIND", "/files/report.docx", kWindowsPropfind, "-H 'Depth: 0' ").status,
            404);
  EXPECT_EQ(put_as(true, "/files/report.docx", "").status, 201);
  auto locked = windows("LOCK", "/files/report.docx", kWindowsLock, "-H 'Timeout: Second-3600' ");
  ASSERT_EQ(locked.status, 200) << locked.body;
  auto token = token_of(locked);
  ASSERT_FALSE(token.empty()) << locked.headers;
  EXPECT_NE(locked.body.find("<D:locktoken><D:href>" + token), std::string::npos) << locked.body;
  EXPECT_NE(locked.body.find("DESKTOP-1\\alice"), std::string::npos) << locked.body;
  EXPECT_EQ(windows("HEAD", "/files/report.docx").status, 200);
  EXPECT_EQ(put_as(true, "/files/report.docx", "contents").status, 423);  // without the token
  auto saved = put_as(true, "/files/report.docx", "contents", "-H 'If: (<" + token + ">)' ");
  EXPECT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(windows("UNLOCK", "/files/report.docx", {}, "-H 'Lock-Token: <" + token + ">' ").status,
            204);
  EXPECT_EQ(read_file(home() / "report.docx"), "contents");

  // Saving over a file in place: LOCK of the existing file, the empty-body PUT that truncates
  // it under the lock, then the bytes, then UNLOCK; and a rename (MOVE to a full URL).
  auto relock = windows("LOCK", "/files/report.docx", kWindowsLock, "-H 'Timeout: Second-3600' ");
  ASSERT_EQ(relock.status, 200) << relock.body;
  auto if_token = "-H 'If: (<" + token_of(relock) + ">)' ";
  EXPECT_EQ(put_as(true, "/files/report.docx", "", if_token).status, 200);
  EXPECT_EQ(read_file(home() / "report.docx"), "");
  EXPECT_EQ(put_as(true, "/files/report.docx", "second version", if_token).status, 200);
  EXPECT_EQ(
      windows("UNLOCK", "/files/report.docx", {}, "-H 'Lock-Token: <" + token_of(relock) + ">' ")
          .status,
      204);
  auto moved = windows("MOVE", "/files/report.docx", {},
                       "-H 'Overwrite: F' -H 'Destination: " + url("/files/final.docx") + "' ");
  EXPECT_EQ(moved.status, 201) << moved.body;
  EXPECT_EQ(read_file(home() / "final.docx"), "second version");
  auto listed = windows("PROPFIND", "/files/", kWindowsPropfind, "-H 'Depth: 1' ");
  EXPECT_NE(listed.body.find("<D:href>/files/final.docx</D:href>"), std::string::npos)
      << listed.body;
  EXPECT_NE(listed.body.find("<D:getcontentlength>14</D:getcontentlength>"), std::string::npos)
      << listed.body;
}

TEST_F(DavReplayTest, MacFinderMountsReadWriteAndSavesUnderALockWithItsAppleDoubleFile) {
  // Finder mounts read-write only when OPTIONS offers class 2 (locking).
  auto options = finder("OPTIONS", "/files/");
  EXPECT_NE(options.header("DAV").find("2"), std::string::npos) << options.headers;
  // statfs(): the quota properties (RFC 4331). Without a quota there is no available figure (a
  // 404 propstat, not an error: Finder then shows no free space); the used bytes are answered.
  auto quota = finder("PROPFIND", "/files/", kFinderQuota, "-H 'Depth: 0' ");
  EXPECT_EQ(quota.status, 207) << quota.body;
  EXPECT_NE(quota.body.find("<D:quota-available-bytes/>"), std::string::npos) << quota.body;
  EXPECT_NE(quota.body.find("HTTP/1.1 404"), std::string::npos) << quota.body;
  EXPECT_NE(quota.body.find("<D:quota-used-bytes>"), std::string::npos) << quota.body;
  expect_props(finder("PROPFIND", "/files/", kFinderStat, "-H 'Depth: 1' "),
               {"resourcetype><D:collection/>", "getlastmodified"});
  // Finder looks for its hidden files before it writes: plain 404s.
  EXPECT_EQ(finder("PROPFIND", "/files/._notes.txt", kFinderStat, "-H 'Depth: 0' ").status, 404);
  EXPECT_EQ(finder("PROPFIND", "/files/.DS_Store", kFinderStat, "-H 'Depth: 0' ").status, 404);

  // A new file: an empty PUT creates it, LOCK (Depth 0, ten minutes), the bytes with the token,
  // a refresh (an empty LOCK with If), then the AppleDouble companion and UNLOCK.
  EXPECT_EQ(put_as(false, "/files/notes.txt", "").status, 201);
  auto locked =
      finder("LOCK", "/files/notes.txt", kFinderLock, "-H 'Depth: 0' -H 'Timeout: Second-600' ");
  ASSERT_EQ(locked.status, 200) << locked.body;
  auto token = token_of(locked);
  EXPECT_NE(locked.body.find("<D:timeout>Second-600</D:timeout>"), std::string::npos)
      << locked.body;
  auto if_token = "-H 'If: (<" + token + ">)' ";
  auto saved = put_as(false, "/files/notes.txt", "finder's bytes",
                      if_token + "-H 'X-Expected-Entity-Length: 14' ");
  EXPECT_EQ(saved.status, 200) << saved.body;
  auto refreshed = finder("LOCK", "/files/notes.txt", {}, if_token + "-H 'Timeout: Second-600' ");
  EXPECT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_NE(refreshed.body.find(token), std::string::npos) << refreshed.body;
  EXPECT_EQ(put_as(false, "/files/._notes.txt", std::string("\0\5\26\7", 4)).status, 201);
  EXPECT_EQ(finder("UNLOCK", "/files/notes.txt", {}, "-H 'Lock-Token: <" + token + ">' ").status,
            204);
  EXPECT_EQ(read_file(home() / "notes.txt"), "finder's bytes");
  // `._` files are ordinary files here: kept byte for byte, listed, and removable.
  EXPECT_EQ(read_file(home() / "._notes.txt"), std::string("\0\5\26\7", 4));
  auto listed = finder("PROPFIND", "/files/", kFinderStat, "-H 'Depth: 1' ");
  EXPECT_NE(listed.body.find("<D:href>/files/._notes.txt</D:href>"), std::string::npos)
      << listed.body;
  EXPECT_EQ(finder("DELETE", "/files/._notes.txt").status, 204);
}

}  // namespace
}  // namespace netdisk::e2e
