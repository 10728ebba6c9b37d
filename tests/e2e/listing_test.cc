// End-to-end tests of folder listings (issue #17: the list op returns a typed page and every
// transport writes it as JSON text without a DOM). The /api/list body must be what nlohmann's
// dump() of it gives, byte for byte, and the TCP pages and the /files/ JSON must carry exactly
// its entries, for hostile names and across pages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "client/wire_connection.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Names that need every kind of escaping, UTF-8 of each length, and bytes that are not UTF-8
// (the server may refuse to list some of these; all transports must then agree on that too).
std::vector<std::string> hostile_names() {
  return {"quote\"d",    "back\\slash", "tab\there",     "new\nline", std::string("ctl\x01\x1f", 5),
          "del\x7f",     "naïve é",     "报告 2026.pdf", "😀 smile",   "bad\xff byte",
          "cut\xe2\x82", "<b>&amp;",    "a#b?c;d%e",     "-dash",     " lead space"};
}

class ListingText : public HttpTest {
 protected:
  // Files placed straight in alice's folder: names a client could not upload are listed too.
  void place(const std::string& name, const std::string& data) {
    std::ofstream(server_->data_dir() / "home" / "alice" / name, std::ios::binary) << data;
  }

  json tcp_all_pages(client::WireConnection& alice, int& pages) {
    json all = json::array();
    std::string after;
    for (pages = 1;; ++pages) {
      auto page = alice.call("list", {{"path", ""}, {"after", after}});
      EXPECT_TRUE(page.ok) << page.body.dump();
      if (!page.ok) return all;
      for (auto& entry : page.body["entries"]) all.push_back(entry);
      if (!page.body["more"].get<bool>()) return all;
      after = all.back()["name"].get<std::string>();
    }
  }

  json api_all_pages() {
    json all = json::array();
    std::string after;
    while (true) {
      auto got =
          curl("-u alice:password1 -G --data-urlencode path= --data-urlencode 'after=" + after +
               "' " + url("/api/list"));
      EXPECT_EQ(got.status, 200) << got.body;
      auto body = json::parse(got.body);
      EXPECT_EQ(got.body, body.dump(-1, ' ', false, json::error_handler_t::replace))
          << "not the DOM's text";
      for (auto& entry : body["entries"]) all.push_back(entry);
      if (!body["more"].get<bool>()) return all;
      after = all.back()["name"].get<std::string>();
    }
  }
};

TEST_F(ListingText, TcpPagesAndFolderJsonCarryTheApiEntriesExactlyForHostileNames) {
  {
    auto alice = logged_in(*server_, "alice");
    ASSERT_TRUE(alice.call("mkdir", {{"path", "a folder \"q\""}}).ok);
  }
  for (const auto& name : hostile_names()) place(name, name);
  // Plain names sort before "quote": with the hostile ones, more than one page of 1,000.
  for (int i = 0; i < 1200; ++i) place("f" + std::to_string(10000 + i), std::string(i % 7, 'x'));

  auto alice = logged_in(*server_, "alice");
  int pages = 0;
  json tcp = tcp_all_pages(alice, pages);
  json api = api_all_pages();
  auto folder = curl("-u alice:password1 -H 'Accept: application/json' " + url("/files/"));
  ASSERT_EQ(folder.status, 200) << folder.body;
  json files = json::parse(folder.body);

  EXPECT_EQ(pages, 2);
  ASSERT_GE(api.size(), 1201u);
  EXPECT_EQ(tcp, api);
  EXPECT_EQ(files["entries"], api);
  EXPECT_EQ(files["path"], "");
  // Names a client may use come back as they are on disk, with their sizes (backslashes,
  // control characters and invalid UTF-8 are not addressable, so no transport lists them).
  for (const auto& name :
       {"quote\"d", "naïve é", "报告 2026.pdf", "😀 smile", "<b>&amp;", "a#b?c;d%e"}) {
    auto found =
        std::find_if(api.begin(), api.end(), [&](const json& e) { return e["name"] == name; });
    ASSERT_NE(found, api.end()) << name;
    EXPECT_EQ((*found)["size"], std::string(name).size());
    EXPECT_EQ((*found)["type"], "file");
  }
}

}  // namespace
}  // namespace netdisk::e2e
