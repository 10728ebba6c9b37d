// The list op's typed reply (OpReply::listing, issue #17): one page of storage::DirEntry and
// "more", the same whatever transport calls, with no reply fields; each adapter renders it
// (frame_fields() for TCP and the WebSocket, checked here; /api and WebDAV in the e2e tests).
// In process, over the in-memory backend, no sockets.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ops_harness.h"
#include "protocol/encoded_fields.h"
#include "server/listing.h"

namespace netdisk::server {
namespace {

using json = nlohmann::json;

class ListOp : public test::OpsTest {
 protected:
  // A file of `size` bytes at `path`, uploaded straight through alice's space.
  void put_file(const std::string& path, std::size_t size) {
    auto space = backend_->open_space("alice");
    ASSERT_TRUE(space.ok());
    auto sink = (*space)->begin_upload(path, size, std::nullopt);
    ASSERT_TRUE(sink.ok());
    std::vector<std::byte> bytes(size, std::byte{0x78});
    ASSERT_TRUE((*sink)->write(bytes).ok());
    ASSERT_TRUE((*sink)->commit().ok());
  }

  // Every page of the top folder as `session` lists it, and how many pages it took.
  std::vector<storage::DirEntry> all_pages(ops::Session& session, int& pages) {
    std::vector<storage::DirEntry> all;
    std::string after;
    for (pages = 1;; ++pages) {
      auto reply = call("list", {{"after", after}}, &session);
      EXPECT_TRUE(reply.ok()) << (reply ? "" : reply.error().message);
      if (!reply || !reply->listing) return all;
      EXPECT_EQ(reply->fields, json::object()) << "a listing reply carries no fields";
      const auto& page = *reply->listing;
      EXPECT_LE(page.entries.size(), kListPage);
      all.insert(all.end(), page.entries.begin(), page.entries.end());
      if (!page.more) return all;
      after = all.back().name;
    }
  }
};

TEST_F(ListOp, TcpAndHttpGetTheSameTypedPagesAndNoFields) {
  for (int i = 0; i < 2500; ++i) {
    ASSERT_TRUE(call("mkdir", {{"path", "d" + std::to_string(10000 + i)}}).ok());
  }
  put_file("a.txt", 3);
  std::vector<std::vector<storage::DirEntry>> seen;
  for (auto transport : {ops::Transport::tcp, ops::Transport::http}) {  // list's transports
    auto session = session_for(transport);
    int pages = 0;
    seen.push_back(all_pages(*session, pages));
    EXPECT_EQ(pages, 3);
    ASSERT_EQ(seen.back().size(), 2501u);
    EXPECT_EQ(seen.back().front().name, "a.txt");
    EXPECT_EQ(seen.back().front().size, 3u);
    EXPECT_FALSE(seen.back().front().version.empty()) << "a file's entry has its version tag";
    EXPECT_TRUE(seen.back().back().is_directory);
  }
  auto same = [](const storage::DirEntry& a, const storage::DirEntry& b) {
    return a.name == b.name && a.is_directory == b.is_directory && a.size == b.size &&
           a.mtime_ns == b.mtime_ns && a.version == b.version;
  };
  for (std::size_t i = 0; i < seen[0].size(); ++i) {
    ASSERT_TRUE(same(seen[0][i], seen[1][i])) << i;
  }
}

TEST_F(ListOp, TheFrameCarriesThePageAsJsonTextAndVersionsOnlyWhenAsked) {
  put_file("f", 5);
  ASSERT_TRUE(call("mkdir", {{"path", "sub"}}).ok());
  for (bool versions : {false, true}) {
    auto reply = call("list", {{"versions", versions}});
    ASSERT_TRUE(reply.ok() && reply->listing);
    const auto entries = reply->listing->entries;  // frame_fields() consumes the reply
    auto fields = frame_fields(std::move(*reply));
    ASSERT_TRUE(protocol::is_encoded_fields(fields)) << "no DOM for a listing";
    json expected = {{"entries", json::array()}, {"more", false}};
    for (const auto& entry : entries) {
      expected["entries"].push_back(entry_json(entry));
      if (versions && !entry.is_directory) expected["entries"].back()["version"] = entry.version;
    }
    EXPECT_EQ(protocol::decoded_fields(fields), expected);
  }
  auto other = call("whoami", json::object());
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(protocol::is_encoded_fields(frame_fields(std::move(*other))))
      << "any other reply's fields pass as they are";
}

TEST_F(ListOp, AFolderThatIsAFileOrMissingIsATypedError) {
  put_file("f", 1);
  auto file = call("list", {{"path", "f"}});
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().code, Errc::not_a_directory);
  auto missing = call("list", {{"path", "nope"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

}  // namespace
}  // namespace netdisk::server
