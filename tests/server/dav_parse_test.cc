// Unit tests of WebDAV's pure parts: the PROPFIND body parser (server/dav/propfind_body.h),
// the Multi-Status writer (server/dav/multistatus.h) and the Depth, Overwrite and Destination
// headers (server/http/dav/dav_headers.h). No sockets.
#include <gtest/gtest.h>

#include "server/dav/multistatus.h"
#include "server/dav/propfind_body.h"
#include "server/http/dav/dav_headers.h"

namespace netdisk::server {
namespace {

using dav::PropfindRequest;
namespace hdav = http::dav;

TEST(DavPropfindBody, EmptyIsAllpropAndNamedPropsKeepTheirNamespaces) {
  EXPECT_EQ(dav::parse_propfind("")->kind, PropfindRequest::Kind::allprop);
  auto named = dav::parse_propfind(
      "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><getetag/>"
      "<z:x xmlns:z=\"urn:z\"/></prop></propfind>");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->kind, PropfindRequest::Kind::prop);
  ASSERT_EQ(named->props.size(), 2u);
  EXPECT_EQ(named->props[0], (dav::PropName{"DAV:", "getetag"}));
  EXPECT_EQ(named->props[1], (dav::PropName{"urn:z", "x"}));
}

TEST(DavPropfindBody, MalformedDoctypeAndForeignBodiesAreBadRequest) {
  for (const char* body :
       {"<D:propfind xmlns:D=\"DAV:\">", "<propfind/>", "<D:x xmlns:D=\"DAV:\"/>",
        "<!DOCTYPE l [<!ENTITY a \"b\">]><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>",
        "<D:propfind xmlns:D=\"DAV:\"><D:allprop/><D:propname/></D:propfind>"}) {
    auto parsed = dav::parse_propfind(body);
    ASSERT_FALSE(parsed) << body;
    EXPECT_EQ(parsed.error().code, Errc::bad_request) << body;
  }
}

// Found by fuzz_dav_request: a namespace URI holding a CR (sent as &#13;) was written raw into
// an xmlns attribute, where a parser reads it back as a space, and a property in no namespace
// was written with an empty xmlns:X, which no parser accepts.
TEST(DavMultistatus, ControlCharactersInNamesAndTextReadBackAsSent) {
  EXPECT_EQ(dav::xml_escape("u\rr\nn\tz\"", true), "u&#13;r&#10;n&#9;z&quot;");
  EXPECT_EQ(dav::xml_escape("a\rb\nc\td\""), "a&#13;b\nc\td\"");
  std::string empty = dav::empty_property({"u\rrn:z", "c"});
  EXPECT_EQ(empty, "<X:c xmlns:X=\"u&#13;rn:z\"/>");
  // A property in no namespace: no prefix, since an empty xmlns:X is not well-formed.
  EXPECT_EQ(dav::empty_property({"", "plain"}), "<plain/>");
}

TEST(DavMultistatus, UnknownPropsGo404AndTextIsEscaped) {
  dav::Resource file{"/files/a%26b", false, 3, "Mon, 01 Jan 2024 00:00:00 GMT",
                     "2024-01-01T00:00:00Z", "\"v1\"", "a&b", "application/octet-stream", "", {},
                     {}, {}};
  PropfindRequest ask{PropfindRequest::Kind::prop, {{"DAV:", "displayname"}, {"urn:z", "x"}}};
  std::string out;
  dav::append_response(out, file, ask);
  EXPECT_EQ(out,
            "<D:response><D:href>/files/a%26b</D:href><D:propstat><D:prop><D:displayname>a&amp;b"
            "</D:displayname></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
            "<D:propstat><D:prop><X:x xmlns:X=\"urn:z\"/></D:prop><D:status>HTTP/1.1 404 Not "
            "Found</D:status></D:propstat></D:response>");
}

TEST(DavHeaders, DepthAndOverwriteAreStrict) {
  EXPECT_EQ(hdav::parse_depth("", false, hdav::Depth::infinity), hdav::Depth::infinity);
  EXPECT_EQ(hdav::parse_depth("1", true, hdav::Depth::infinity), hdav::Depth::one);
  EXPECT_EQ(hdav::parse_depth("Infinity", true, hdav::Depth::zero), hdav::Depth::infinity);
  EXPECT_FALSE(hdav::parse_depth("2", true, hdav::Depth::zero));
  EXPECT_EQ(hdav::parse_overwrite("", false), true);
  EXPECT_EQ(hdav::parse_overwrite("F", true), false);
  EXPECT_FALSE(hdav::parse_overwrite("no", true));
}

TEST(DavHeaders, DestinationIsConfinedToTheCallersFiles) {
  auto ok = hdav::parse_destination("http://h:1/files/a%20b/c/", "h:1");
  EXPECT_EQ(ok.refusal, http::bhttp::status::ok);
  EXPECT_EQ(ok.path, "a b/c");
  EXPECT_EQ(hdav::parse_destination("/files/x?q", "h").path, "x");
  using S = http::bhttp::status;
  EXPECT_EQ(hdav::parse_destination("http://other/files/x", "h:1").refusal, S::bad_gateway);
  for (const char* outside : {"/files/../x", "/files/%2e%2e/x", "/files/a/./b", "/files/",
                              "/etc/passwd", "/files//x"}) {
    EXPECT_EQ(hdav::parse_destination(outside, "h").refusal, S::forbidden) << outside;
  }
  EXPECT_EQ(hdav::parse_destination("x", "h").refusal, S::bad_request);
  EXPECT_EQ(hdav::parse_destination("/files/%", "h").refusal, S::bad_request);
}

TEST(DavHeaders, AnIfHeaderResourceTagMayNameTheTopFolder) {
  using S = http::bhttp::status;
  for (const char* top : {"http://h:1/files/", "http://h:1/files", "/files/", "/files"}) {
    auto url = hdav::parse_files_url(top, "h:1");
    EXPECT_EQ(url.refusal, S::ok) << top;
    EXPECT_EQ(url.path, "") << top;
  }
  EXPECT_EQ(hdav::parse_files_url("/files/a/", "h").path, "a");
  for (const char* outside : {"/files//", "/files/../x", "/filesx", "/"}) {
    EXPECT_EQ(hdav::parse_files_url(outside, "h").refusal, S::forbidden) << outside;
  }
  EXPECT_EQ(hdav::parse_files_url("http://other/files/", "h").refusal, S::bad_gateway);
  EXPECT_EQ(hdav::parse_destination("/files", "h").refusal, S::forbidden);
}

}  // namespace
}  // namespace netdisk::server
