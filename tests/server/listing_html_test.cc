// The folder listing page (server/http/listing_html.h) and the Accept negotiation of folder
// URLs (server/http/folder_listing.h), without a socket.
#include "server/http/listing_html.h"

#include <gtest/gtest.h>

#include "server/http/folder_listing.h"

namespace netdisk::server::http {
namespace {

storage::DirEntry entry(std::string name, bool folder, std::uint64_t size = 0) {
  return storage::DirEntry{std::move(name), folder, size, 1'700'000'000'000'000'000};
}

TEST(ListingHtml, LinksArePercentEncodedAndTextIsEscaped) {
  auto page = listing_html("/files/docs/", {entry("sub dir", true), entry("<b>&'\".txt", false, 12),
                                            entry("a:b?c#d", false, 3), entry("报告.pdf", false)});
  EXPECT_NE(page.find("<a href=\"sub%20dir/\">sub dir/</a></td><td>-</td>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"%3Cb%3E%26%27%22.txt\">&lt;b&gt;&amp;&#39;&quot;.txt</a></td>"
                      "<td>12</td><td>2023-11-14 22:13:20</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"a%3Ab%3Fc%23d\">a:b?c#d</a>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"%E6%8A%A5%E5%91%8A.pdf\">报告.pdf</a>"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"../\">"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
}

TEST(ListingHtml, TheTopFolderHasNoParentLink) {
  auto page = listing_html("/files/", {});
  EXPECT_EQ(page.find("../"), std::string::npos);
  EXPECT_NE(page.find("<title>Index of /files/</title>"), std::string::npos);
}

TEST(FolderListing, JsonOnlyWhenAcceptPrefersIt) {
  EXPECT_TRUE(wants_json("application/json"));
  EXPECT_TRUE(wants_json("application/json, text/html;q=0.5"));
  EXPECT_TRUE(wants_json("Application/JSON;charset=utf-8"));
  EXPECT_FALSE(wants_json(""));
  EXPECT_FALSE(wants_json("*/*"));
  EXPECT_FALSE(wants_json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  EXPECT_FALSE(wants_json("application/json;q=0"));
  EXPECT_FALSE(wants_json("text/html, application/json;q=0.9"));
}

}  // namespace
}  // namespace netdisk::server::http
