// The XML of WebDAV locking: request bodies as litmus, Windows and macOS send them, the tree
// they parse into, and the lockdiscovery a client reads back (owner echoed as sent).
#include "server/dav/lock_body.h"

#include <gtest/gtest.h>

#include "manual_clock.h"
#include "server/dav/xml_tree.h"

namespace netdisk::server::dav {
namespace {

// What neon (litmus, cadaver, davfs2) sends.
constexpr const char* kNeonLock =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<lockinfo xmlns='DAV:'>\n <lockscope><exclusive/></lockscope>\n"
    "<locktype><write/></locktype><owner>litmus test suite</owner>\n</lockinfo>\n";

// What the Windows redirector sends: a prefixed namespace and an owner with an href.
constexpr const char* kWindowsLock =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:lockinfo xmlns:D=\"DAV:\">"
    "<D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype>"
    "<D:owner><D:href>DOMAIN\\ann</D:href></D:owner></D:lockinfo>";

TEST(LockBody, NeonsExclusiveLockWithATextOwner) {
  auto request = parse_lock_body(kNeonLock);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->scope, LockScope::exclusive);
  EXPECT_EQ(request->owner, "<D:owner>litmus test suite</D:owner>");
}

TEST(LockBody, ASharedLockWhoseOwnerHoldsElements) {
  auto request = parse_lock_body(kWindowsLock);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->scope, LockScope::shared);
  EXPECT_EQ(request->owner, "<D:owner><D:href>DOMAIN\\ann</D:href></D:owner>");
}

TEST(LockBody, AnOwnerInAnotherNamespaceKeepsItAndItsMixedContentInOrder) {
  auto request = parse_lock_body(
      "<D:lockinfo xmlns:D='DAV:' xmlns:x='urn:x'><D:lockscope><D:exclusive/></D:lockscope>"
      "<D:locktype><D:write/></D:locktype>"
      "<D:owner>a<x:who id='7 &amp; &quot;'>b&lt;</x:who>c<plain/></D:owner></D:lockinfo>");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->owner,
            "<D:owner>a<who xmlns=\"urn:x\" id=\"7 &amp; &quot;\">b&lt;</who>c"
            "<plain xmlns=\"\"/></D:owner>");
}

TEST(LockBody, WhatIsNotAWriteLockInfoIsRefused) {
  for (const char* bad : {
           "",
           "not xml",
           "<lockinfo/>",
           "<x:lockinfo xmlns:x='urn:x'/>",
           "<lockinfo xmlns='DAV:'><locktype><write/></locktype></lockinfo>",
           "<lockinfo xmlns='DAV:'><lockscope><exclusive/></lockscope></lockinfo>",
           "<lockinfo xmlns='DAV:'><lockscope><exclusive/></lockscope>"
           "<locktype><read/></locktype></lockinfo>",
           "<lockinfo xmlns='DAV:'><lockscope><private/></lockscope>"
           "<locktype><write/></locktype></lockinfo>",
           "<!DOCTYPE x [<!ENTITY a 'aaaa'>]><lockinfo xmlns='DAV:'>&a;</lockinfo>",
       }) {
    auto request = parse_lock_body(bad);
    EXPECT_FALSE(request.ok()) << "accepted: " << bad;
    if (!request.ok()) {
      EXPECT_EQ(request.error().code, Errc::bad_request);
    }
  }
}

TEST(XmlTree, DeepNestingAndManyElementsAreRefused) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  EXPECT_FALSE(parse_xml_tree(deep).ok());
  std::string wide = "<a>";
  for (int i = 0; i < 20; ++i) wide += "<b/>";
  wide += "</a>";
  XmlLimits limits;
  limits.elements = 10;
  EXPECT_FALSE(parse_xml_tree(wide, limits).ok());
  limits.elements = 100;
  limits.text_bytes = 3;
  EXPECT_FALSE(parse_xml_tree("<a>abcd</a>", limits).ok());
  EXPECT_TRUE(parse_xml_tree(wide).ok());
}

TEST(XmlTree, NamesAreSplitIntoNamespaceAndLocalName) {
  auto tree = parse_xml_tree("<D:prop xmlns:D='DAV:' xmlns:z='urn:z'><z:a/>t<D:b/></D:prop>");
  ASSERT_TRUE(tree.ok());
  EXPECT_TRUE(tree->is_dav("prop"));
  ASSERT_EQ(tree->children.size(), 3u);
  EXPECT_TRUE(tree->children[0].is("urn:z", "a"));
  EXPECT_EQ(tree->inner_text(), "t");
  EXPECT_NE(tree->dav_child("b"), nullptr);
  EXPECT_EQ(tree->dav_child("c"), nullptr);
  EXPECT_TRUE(tree->first_element()->is("urn:z", "a"));
}

TEST(XmlTree, SerialisingKeepsWhiteSpaceAParserWouldNormalise) {
  auto tree = parse_xml_tree("<a xmlns='urn:a' b='x&#9;y&#10;z&#13;'>p&#13;q\nr</a>");
  ASSERT_TRUE(tree.ok());
  ASSERT_EQ(tree->attributes.size(), 1u);
  EXPECT_EQ(tree->attributes[0].second, "x\ty\nz\r");
  EXPECT_EQ(tree->inner_text(), "p\rq\nr");
  auto again = parse_xml_tree(serialize_xml(*tree));
  ASSERT_TRUE(again.ok()) << serialize_xml(*tree);
  EXPECT_EQ(again->attributes[0].second, "x\ty\nz\r");
  EXPECT_EQ(again->inner_text(), "p\rq\nr");
  EXPECT_EQ(serialize_xml(*again), serialize_xml(*tree));
}

// An element in the XML namespace is written with the reserved xml: prefix, undeclared: a
// default namespace bound to it is not well-formed (found by fuzz_dav_request in CI).
TEST(XmlTree, AnElementInTheXmlNamespaceKeepsTheReservedPrefix) {
  auto tree = parse_xml_tree("<a xmlns='urn:a'><xml:langD-b/></a>");
  ASSERT_TRUE(tree.ok());
  std::string text = serialize_xml(*tree);
  EXPECT_NE(text.find("<xml:langD-b/>"), std::string::npos) << text;
  auto again = parse_xml_tree(text);
  ASSERT_TRUE(again.ok()) << text;
  EXPECT_EQ(serialize_xml(*again), text);
}

TEST(LockDiscovery, ShowsEveryLockWithItsTokenRootOwnerAndRemainingTime) {
  test::ManualClock clock;
  LockTable table(clock.now_function());
  auto lock = table.lock("ann", "docs/a b.txt",
                         LockRequest{LockScope::exclusive, LockDepth::zero,
                                     "<D:owner>me &amp; you</D:owner>", std::chrono::seconds(600)});
  ASSERT_TRUE(lock.ok());
  clock.advance(std::chrono::seconds(100));
  auto href = [](std::string_view root) { return "/files/" + std::string(root); };
  auto body = lock_response_body(*lock, href, clock.now());
  EXPECT_EQ(body,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:prop xmlns:D=\"DAV:\">"
            "<D:lockdiscovery><D:activelock><D:locktype><D:write/></D:locktype>"
            "<D:lockscope><D:exclusive/></D:lockscope><D:depth>0</D:depth>"
            "<D:owner>me &amp; you</D:owner><D:timeout>Second-500</D:timeout>"
            "<D:locktoken><D:href>" +
                lock->token +
                "</D:href></D:locktoken>"
                "<D:lockroot><D:href>/files/docs/a b.txt</D:href></D:lockroot>"
                "</D:activelock></D:lockdiscovery></D:prop>");
  EXPECT_TRUE(parse_xml_tree(body).ok());  // well-formed
  EXPECT_EQ(lockdiscovery_xml({}, href, clock.now()), "<D:lockdiscovery/>");
  EXPECT_TRUE(parse_xml_tree("<r xmlns:D='DAV:'>" + supportedlock_xml() + "</r>").ok());
}

}  // namespace
}  // namespace netdisk::server::dav
