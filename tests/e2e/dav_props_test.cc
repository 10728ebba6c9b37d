// End-to-end tests of WebDAV dead properties on /files/ (docs/HTTP.md, "WebDAV") against the
// real netdiskd, with curl as the client: PROPPATCH stores a property durably (a restart keeps
// it), it follows MOVE, COPY copies it (a folder tree's too), a PUT over the file keeps it,
// DELETE ends it; live properties are protected (403, the rest 424, nothing applied); the
// bounds answer 507 or 413 with nothing changed; locks and hostile XML are refused; and
// Windows' WebDAV redirector's Win32 properties are stored.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNs = "urn:netdisk:test";

// A propertyupdate setting (or with an empty value, removing) properties of kNs.
std::string set_body(const std::string& props) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:propertyupdate xmlns:D=\"DAV:\" "
         "xmlns:t=\"" +
         std::string(kNs) + "\"><D:set><D:prop>" + props + "</D:prop></D:set></D:propertyupdate>";
}

std::string color(const std::string& value) { return "<t:color>" + value + "</t:color>"; }

// What PROPFIND shows of a stored <t:color>: the element as stored, self-contained.
std::string shown_color(const std::string& value) {
  return "<color xmlns=\"" + std::string(kNs) + "\">" + value + "</color>";
}

class DavPropsTest : public HttpTest {
 protected:
  std::string as_alice() const { return "-u alice:password1 "; }

  Http send(const std::string& method, const std::string& path, const std::string& body,
            const std::string& extra = "") {
    write_file(work_ / "body.xml", body);
    return curl(as_alice() + "-X " + method + " -H 'Content-Type: application/xml' " +
                "--data-binary '@" + (work_ / "body.xml").string() + "' " + extra + "'" +
                url(path) + "'");
  }
  Http proppatch(const std::string& path, const std::string& body, const std::string& extra = "") {
    return send("PROPPATCH", path, body, extra);
  }
  // PROPFIND Depth 0 of t:color and getetag.
  Http color_of(const std::string& path) {
    return send("PROPFIND", path,
                "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/><t:color xmlns:t=\"" +
                    std::string(kNs) + "\"/></D:prop></D:propfind>",
                "-H 'Depth: 0' ");
  }
  bool has_color(const std::string& path, const std::string& value) {
    auto got = color_of(path);
    EXPECT_EQ(got.status, 207) << path << ": " << got.body;
    return got.body.find(shown_color(value)) != std::string::npos;
  }
  Http put(const std::string& path, const std::string& data) {
    write_file(work_ / "put.bin", data);
    return curl(as_alice() + "-T '" + (work_ / "put.bin").string() + "' '" + url(path) + "'");
  }
  Http plain(const std::string& method, const std::string& path, const std::string& extra = "") {
    return curl(as_alice() + "-X " + method + " " + extra + "'" + url(path) + "'");
  }
};

TEST_F(DavPropsTest, APropertySurvivesARestartAndAPutOverTheFileAndLeavesContentAndEtag) {
  ASSERT_EQ(put("/files/a.txt", "content").status, 201);
  auto before = curl(as_alice() + "-I '" + url("/files/a.txt") + "'");
  auto set = proppatch("/files/a.txt", set_body(color("blue")));
  ASSERT_EQ(set.status, 207) << set.body;
  EXPECT_NE(set.body.find("<X:color xmlns:X=\"urn:netdisk:test\"/></D:prop>"
                          "<D:status>HTTP/1.1 200 OK</D:status>"),
            std::string::npos)
      << set.body;
  auto after = curl(as_alice() + "-I '" + url("/files/a.txt") + "'");
  EXPECT_EQ(after.header("ETag"), before.header("ETag")) << "the ETag is of the content";
  EXPECT_EQ(curl(as_alice() + "'" + url("/files/a.txt") + "'").body, "content");
  EXPECT_TRUE(has_color("/files/a.txt", "blue"));

  server_->restart();
  EXPECT_TRUE(has_color("/files/a.txt", "blue")) << "stored durably";

  ASSERT_EQ(put("/files/a.txt", "new content").status, 200);
  EXPECT_TRUE(has_color("/files/a.txt", "blue")) << "a PUT does not touch properties";
  EXPECT_NE(curl(as_alice() + "-I '" + url("/files/a.txt") + "'").header("ETag"),
            before.header("ETag"));
}

TEST_F(DavPropsTest, PropertiesFollowMoveAreCopiedWithAFolderTreeAndEndWithDelete) {
  ASSERT_EQ(put("/files/a.txt", "x").status, 201);
  ASSERT_EQ(proppatch("/files/a.txt", set_body(color("red"))).status, 207);
  auto moved = plain("MOVE", "/files/a.txt", "-H 'Destination: " + url("/files/b.txt") + "' ");
  ASSERT_EQ(moved.status, 201) << moved.body;
  EXPECT_TRUE(has_color("/files/b.txt", "red"));

  ASSERT_EQ(plain("MKCOL", "/files/dir").status, 201);
  ASSERT_EQ(plain("MKCOL", "/files/dir/sub").status, 201);
  ASSERT_EQ(put("/files/dir/sub/f", "y").status, 201);
  ASSERT_EQ(proppatch("/files/dir/", set_body(color("folder"))).status, 207);
  ASSERT_EQ(proppatch("/files/dir/sub/f", set_body(color("deep"))).status, 207);
  auto copied = plain("COPY", "/files/dir/", "-H 'Destination: " + url("/files/copy/") + "' ");
  ASSERT_EQ(copied.status, 201) << copied.body;
  EXPECT_TRUE(has_color("/files/copy/", "folder"));
  EXPECT_TRUE(has_color("/files/copy/sub/f", "deep"));
  EXPECT_TRUE(has_color("/files/dir/sub/f", "deep")) << "the source keeps its own";

  ASSERT_EQ(plain("DELETE", "/files/b.txt").status, 204);
  ASSERT_EQ(put("/files/b.txt", "again").status, 201);
  auto fresh = color_of("/files/b.txt");
  EXPECT_NE(fresh.body.find("<X:color xmlns:X=\"urn:netdisk:test\"/></D:prop>"
                            "<D:status>HTTP/1.1 404"),
            std::string::npos)
      << fresh.body;
  // allprop and propname show dead properties beside the live ones.
  auto all = send("PROPFIND", "/files/copy/", "", "-H 'Depth: 1' ");
  EXPECT_NE(all.body.find(shown_color("folder")), std::string::npos) << all.body;
  auto names = send("PROPFIND", "/files/copy/",
                    "<D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>", "-H 'Depth: 0' ");
  EXPECT_NE(names.body.find("<X:color xmlns:X=\"urn:netdisk:test\"/>"), std::string::npos)
      << names.body;
}

TEST_F(DavPropsTest, ALivePropertyInAPatchIs403AndTheOtherSetIsNotApplied) {
  ASSERT_EQ(put("/files/a.txt", "x").status, 201);
  std::string body =
      "<D:propertyupdate xmlns:D=\"DAV:\" xmlns:t=\"urn:netdisk:test\"><D:set><D:prop>" +
      color("green") + "<D:getetag>\"forged\"</D:getetag></D:prop></D:set></D:propertyupdate>";
  auto got = proppatch("/files/a.txt", body);
  ASSERT_EQ(got.status, 207) << got.body;
  EXPECT_NE(got.body.find("<D:getetag/></D:prop><D:status>HTTP/1.1 403 Forbidden</D:status>"
                          "<D:error><D:cannot-modify-protected-property/></D:error>"),
            std::string::npos)
      << got.body;
  EXPECT_NE(got.body.find("<X:color xmlns:X=\"urn:netdisk:test\"/></D:prop>"
                          "<D:status>HTTP/1.1 424 Failed Dependency"),
            std::string::npos)
      << got.body;
  EXPECT_FALSE(has_color("/files/a.txt", "green")) << "nothing applied";
}

TEST_F(DavPropsTest, OversizeAndTooManyPropertiesAre507Or413AndChangeNothing) {
  ASSERT_EQ(put("/files/a.txt", "x").status, 201);
  ASSERT_EQ(proppatch("/files/a.txt", set_body(color("kept"))).status, 207);
  auto big = proppatch("/files/a.txt", set_body("<t:big>" + std::string(4000, 'b') + "</t:big>"));
  ASSERT_EQ(big.status, 207) << big.body;
  EXPECT_NE(big.body.find("<D:status>HTTP/1.1 507 Insufficient Storage</D:status>"),
            std::string::npos)
      << big.body;
  std::string many;
  for (int i = 0; i < 70; ++i)
    many += "<t:p" + std::to_string(i) + ">v</t:p" + std::to_string(i) + ">";
  auto too_many = proppatch("/files/a.txt", set_body(many));
  ASSERT_EQ(too_many.status, 207) << too_many.body;
  EXPECT_NE(too_many.body.find("HTTP/1.1 507 Insufficient Storage"), std::string::npos);
  auto huge =
      proppatch("/files/a.txt", set_body("<t:huge>" + std::string(70000, 'h') + "</t:huge>"));
  EXPECT_EQ(huge.status, 413);
  auto all = send("PROPFIND", "/files/a.txt", "", "-H 'Depth: 0' ");
  EXPECT_NE(all.body.find(shown_color("kept")), std::string::npos) << all.body;
  EXPECT_EQ(all.body.find("<p0 "), std::string::npos) << "nothing of the refused patches";
  EXPECT_EQ(all.body.find("<big "), std::string::npos);
}

TEST_F(DavPropsTest, ProppatchOfALockedFileNeedsTheLockToken) {
  ASSERT_EQ(put("/files/a.txt", "x").status, 201);
  auto locked = send("LOCK", "/files/a.txt",
                     "<D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope>"
                     "<D:locktype><D:write/></D:locktype></D:lockinfo>");
  ASSERT_EQ(locked.status, 200) << locked.body;
  std::string token = locked.header("Lock-Token");
  auto refused = proppatch("/files/a.txt", set_body(color("locked")));
  EXPECT_EQ(refused.status, 423) << refused.body;
  EXPECT_FALSE(has_color("/files/a.txt", "locked"));
  auto allowed = proppatch("/files/a.txt", set_body(color("locked")), "-H 'If: (" + token + ")' ");
  EXPECT_EQ(allowed.status, 207) << allowed.body;
  EXPECT_TRUE(has_color("/files/a.txt", "locked"));
}

TEST_F(DavPropsTest, HostileXmlBodiesAre400AndChangeNothing) {
  ASSERT_EQ(put("/files/a.txt", "x").status, 201);
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"lollollollol\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]>" +
      set_body("<t:color>&c;</t:color>").substr(38);
  std::string nested;
  for (int i = 0; i < 200; ++i) nested += "<t:n>";
  for (int i = 0; i < 200; ++i) nested += "</t:n>";
  std::string deep = set_body(color(nested));  // well-formed, only too deep
  const std::string bodies[] = {laughs, deep, "<D:propertyupdate xmlns:D=\"DAV:\">",
                                "<D:propertyupdate xmlns:D=\"DAV:\"/>"};
  for (const auto& body : bodies) {
    auto got = proppatch("/files/a.txt", body);
    EXPECT_EQ(got.status, 400) << body.substr(0, 120) << "\n" << got.body;
  }
  auto all = send("PROPFIND", "/files/a.txt", "", "-H 'Depth: 0' ");
  EXPECT_EQ(all.body.find("<color "), std::string::npos) << all.body;
  EXPECT_EQ(proppatch("/files/missing.txt", set_body(color("x"))).status, 404);
}

// The shape the Windows WebDAV redirector (Microsoft-WebDAV-MiniRedir) sends after each PUT.
TEST_F(DavPropsTest, WindowsRedirectorsWin32PropertiesAreStoredWith200Each) {
  ASSERT_EQ(put("/files/doc.txt", "from Windows").status, 201);
  std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propertyupdate xmlns:D=\"DAV:\" "
      "xmlns:Z=\"urn:schemas-microsoft-com:\"><D:set><D:prop>"
      "<Z:Win32CreationTime>Wed, 02 Dec 2026 09:00:00 GMT</Z:Win32CreationTime>"
      "<Z:Win32LastAccessTime>Wed, 02 Dec 2026 09:01:00 GMT</Z:Win32LastAccessTime>"
      "<Z:Win32LastModifiedTime>Wed, 02 Dec 2026 09:02:00 GMT</Z:Win32LastModifiedTime>"
      "<Z:Win32FileAttributes>00000020</Z:Win32FileAttributes>"
      "</D:prop></D:set></D:propertyupdate>";
  auto got = proppatch("/files/doc.txt", body,
                       "-A 'Microsoft-WebDAV-MiniRedir/10.0.19045' -H 'translate: f' ");
  ASSERT_EQ(got.status, 207) << got.body;
  EXPECT_EQ(got.body.find("HTTP/1.1 4"), std::string::npos) << got.body;
  EXPECT_NE(got.body.find("<X:Win32FileAttributes xmlns:X=\"urn:schemas-microsoft-com:\"/>"
                          "</D:prop><D:status>HTTP/1.1 200 OK"),
            std::string::npos)
      << got.body;
  auto all = send("PROPFIND", "/files/doc.txt", "", "-H 'Depth: 0' ");
  EXPECT_NE(all.body.find("<Win32LastModifiedTime xmlns=\"urn:schemas-microsoft-com:\">"
                          "Wed, 02 Dec 2026 09:02:00 GMT</Win32LastModifiedTime>"),
            std::string::npos)
      << all.body;
}

}  // namespace
}  // namespace netdisk::e2e
