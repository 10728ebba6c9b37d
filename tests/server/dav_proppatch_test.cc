// Unit tests of PROPPATCH's pure parts: the DAV:propertyupdate parser
// (server/dav/proppatch_body.h), its 207 (server/dav/proppatch_response.h), and how PROPFIND's
// Multi-Status shows stored dead properties (server/dav/multistatus.h). No sockets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/dav/multistatus.h"
#include "server/dav/propfind_body.h"
#include "server/dav/proppatch_body.h"
#include "server/dav/proppatch_response.h"
#include "server/dav/xml_tree.h"

namespace netdisk::server::dav {
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(DavPropertyUpdate, SetsAndRemovesKeepDocumentOrderAndSelfContainedValues) {
  auto parsed = parse_propertyupdate(
      "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:z\">"
      "<D:set><D:prop><Z:a>one <Z:b attr=\"v\">two</Z:b></Z:a></D:prop></D:set>"
      "<D:remove><D:prop><Z:c/></D:prop></D:remove>"
      "<D:set><D:prop><Z:c>three &amp; &lt;four&gt;</Z:c><plain>x</plain></D:prop></D:set>"
      "</D:propertyupdate>");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[0].name, (PropName{"urn:z", "a"}));
  EXPECT_EQ((*parsed)[0].element,
            "<a xmlns=\"urn:z\">one <b xmlns=\"urn:z\" attr=\"v\">two</b></a>");
  EXPECT_EQ((*parsed)[1].name, (PropName{"urn:z", "c"}));
  EXPECT_FALSE((*parsed)[1].element) << "a remove carries no value";
  EXPECT_EQ((*parsed)[2].element, "<c xmlns=\"urn:z\">three &amp; &lt;four&gt;</c>");
  EXPECT_EQ((*parsed)[3].name, (PropName{"", "plain"}));
  EXPECT_EQ((*parsed)[3].element, "<plain xmlns=\"\">x</plain>");
}

// A stored value parses again to the same element wherever it is pasted.
TEST(DavPropertyUpdate, ValuesKeepXmlLangAndForeignAttributesAndReparseTheSame) {
  auto parsed = parse_propertyupdate(
      "<D:propertyupdate xmlns:D=\"DAV:\" xml:lang=\"de\"><D:set><D:prop>"
      "<t:x xmlns:t=\"urn:t\" xmlns:q=\"urn:q\" q:kind=\"k\">Grüße</t:x>"
      "<t:y xmlns:t=\"urn:t\" xml:lang=\"en\">hi</t:y></D:prop></D:set></D:propertyupdate>");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  const std::string& x = *(*parsed)[0].element;
  EXPECT_NE(x.find("xml:lang=\"de\""), std::string::npos) << x << ": the lang in scope";
  EXPECT_NE(x.find("Grüße"), std::string::npos) << x;
  auto again = parse_xml_tree("<w xmlns:a0=\"urn:other\">" + x + "</w>");
  ASSERT_TRUE(again) << x;
  const XmlElement& element = again->children.front();
  EXPECT_TRUE(element.is("urn:t", "x"));
  ASSERT_EQ(element.qualified_attributes.size(), 1u) << x;
  EXPECT_EQ(element.qualified_attributes[0][0], "urn:q");
  EXPECT_EQ(element.qualified_attributes[0][2], "k");
  EXPECT_NE((*parsed)[1].element->find("xml:lang=\"en\""), std::string::npos);
  EXPECT_EQ((*parsed)[1].element->find("xml:lang=\"de\""), std::string::npos) << "its own wins";
}

TEST(DavPropertyUpdate, HostileMalformedAndEmptyBodiesAreBadRequest) {
  std::string deep = "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><x xmlns=\"u\">";
  for (int i = 0; i < 100; ++i) deep += "<n>";
  std::string many = "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>";
  for (std::size_t i = 0; i <= kMaxPropertyUpdates; ++i) many += "<p" + std::to_string(i) + "/>";
  many += "</D:prop></D:set></D:propertyupdate>";
  const std::vector<std::string> bodies = {
      "",
      "<D:propertyupdate xmlns:D=\"DAV:\">",
      "<D:propfind xmlns:D=\"DAV:\"/>",
      "<D:propertyupdate xmlns:D=\"DAV:\"/>",
      "<D:propertyupdate xmlns:D=\"DAV:\"><D:set/></D:propertyupdate>",
      "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><x xmlns=\"u\">&b;</x></D:prop>"
      "</D:set></D:propertyupdate>",
      deep,
      many,
  };
  for (const auto& body : bodies) {
    auto parsed = parse_propertyupdate(body);
    ASSERT_FALSE(parsed) << body;
    EXPECT_EQ(parsed.error().code, Errc::bad_request) << body;
  }
}

std::vector<PropertyUpdate> mixed_updates() {
  return {{{"urn:z", "a"}, "<a xmlns=\"urn:z\">1</a>"},
          {{"DAV:", "getetag"}, "<D:getetag>x</D:getetag>"},
          {{"urn:z", "b"}, std::nullopt}};
}

// A property in the XML namespace (say <xml:lang/> removed) is named with the reserved xml:
// prefix: binding any other prefix to that namespace is not well-formed (found by
// fuzz_dav_request in CI's fuzz stage).
TEST(DavProppatchResponse, APropertyInTheXmlNamespaceKeepsTheReservedPrefix) {
  std::vector<PropertyUpdate> updates = {
      {{"http://www.w3.org/XML/1998/namespace", "langD-b"}, std::nullopt}};
  std::string reply = proppatch_response("/files/f", updates, PatchOutcome::protected_refused);
  EXPECT_NE(reply.find("<xml:langD-b/>"), std::string::npos) << reply;
  EXPECT_TRUE(parse_xml_tree(reply)) << reply;
}

TEST(DavProppatchResponse, AppliedIsAllOkAndProtectedRefusalIs403AndOthers424) {
  auto updates = mixed_updates();
  std::string ok = proppatch_response("/files/a%20b", updates, PatchOutcome::applied);
  EXPECT_EQ(count_of(ok, "<D:propstat>"), 1u) << ok;
  EXPECT_NE(ok.find("<D:href>/files/a%20b</D:href>"), std::string::npos);
  EXPECT_NE(ok.find("<X:a xmlns:X=\"urn:z\"/><D:getetag/><X:b xmlns:X=\"urn:z\"/>"
                    "</D:prop><D:status>HTTP/1.1 200 OK</D:status>"),
            std::string::npos)
      << ok;
  std::string refused = proppatch_response("/files/f", updates, PatchOutcome::protected_refused);
  EXPECT_NE(refused.find("<D:prop><D:getetag/></D:prop><D:status>HTTP/1.1 403 Forbidden</D:status>"
                         "<D:error><D:cannot-modify-protected-property/></D:error>"),
            std::string::npos)
      << refused;
  EXPECT_NE(refused.find("<X:a xmlns:X=\"urn:z\"/><X:b xmlns:X=\"urn:z\"/></D:prop>"
                         "<D:status>HTTP/1.1 424 Failed Dependency</D:status>"),
            std::string::npos)
      << refused;
  EXPECT_EQ(refused.find("200 OK"), std::string::npos);
  std::vector<PropertyUpdate> no_room = {updates[0], updates[2]};
  std::string full = proppatch_response("/files/f", no_room, PatchOutcome::insufficient_storage);
  EXPECT_NE(full.find("<X:a xmlns:X=\"urn:z\"/></D:prop><D:status>HTTP/1.1 507 Insufficient"),
            std::string::npos)
      << full;
  EXPECT_NE(full.find("<X:b xmlns:X=\"urn:z\"/></D:prop><D:status>HTTP/1.1 424"), std::string::npos)
      << full;
  EXPECT_TRUE(parse_xml_tree(refused)) << "well-formed";
}

TEST(DavProtectedProperties, LiveAndQuotaNamesAreProtectedOthersAreNot) {
  for (const char* live : {"getetag", "getcontentlength", "resourcetype", "lockdiscovery",
                           "displayname", "quota-used-bytes"}) {
    EXPECT_TRUE(is_protected_property({"DAV:", live})) << live;
  }
  EXPECT_FALSE(is_protected_property({"DAV:", "somethingelse"}));
  EXPECT_FALSE(is_protected_property({"urn:schemas-microsoft-com:", "Win32LastModifiedTime"}));
  PropfindRequest live_only{PropfindRequest::Kind::prop, {{"DAV:", "getetag"}}};
  EXPECT_FALSE(needs_dead_properties(live_only)) << "the common PROPFIND reads no properties";
  PropfindRequest named{PropfindRequest::Kind::prop, {{"DAV:", "getetag"}, {"urn:z", "a"}}};
  EXPECT_TRUE(needs_dead_properties(named));
  EXPECT_TRUE(needs_dead_properties(PropfindRequest{}));
  EXPECT_TRUE(needs_dead_properties(PropfindRequest{PropfindRequest::Kind::propname, {}}));
}

TEST(DavMultistatusDead, NamedAllpropAndPropnameShowStoredProperties) {
  Resource file;
  file.href = "/files/f";
  file.etag = "\"v\"";
  file.dead = {{{"urn:z", "a"}, "<a xmlns=\"urn:z\">1</a>"}, {{"DAV:", "x"}, "<D:x>2</D:x>"}};
  std::string named;
  PropfindRequest ask{PropfindRequest::Kind::prop, {{"urn:z", "a"}, {"urn:z", "none"}}};
  append_response(named, file, ask);
  EXPECT_NE(named.find("<D:prop><a xmlns=\"urn:z\">1</a></D:prop><D:status>HTTP/1.1 200"),
            std::string::npos)
      << named;
  EXPECT_NE(named.find("<X:none xmlns:X=\"urn:z\"/></D:prop><D:status>HTTP/1.1 404"),
            std::string::npos)
      << named;
  std::string all;
  append_response(all, file, PropfindRequest{});
  EXPECT_NE(all.find("<D:getetag>\"v\"</D:getetag><D:lockdiscovery/>"), std::string::npos) << all;
  EXPECT_NE(all.find("<a xmlns=\"urn:z\">1</a><D:x>2</D:x>"), std::string::npos) << all;
  std::string names;
  append_response(names, file, PropfindRequest{PropfindRequest::Kind::propname, {}});
  EXPECT_NE(names.find("<X:a xmlns:X=\"urn:z\"/><D:x/>"), std::string::npos) << names;
  EXPECT_EQ(names.find(">1<"), std::string::npos) << "propname shows no values";
}

}  // namespace
}  // namespace netdisk::server::dav
