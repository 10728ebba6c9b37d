// End-to-end tests of the trash and versions over HTTP and WebDAV (issue #20, docs/HTTP.md
// "Trash and versions"), with curl against the real netdiskd: DELETE of a file and WebDAV
// DELETE of a folder go into the trash and /api/trash/restore gives back the same bytes; PUT
// over a file keeps versions and /api/versions/restore brings the first back; the age purge
// runs on its own; and no URL reaches the trash or versions folders.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "tests/e2e/http_fixture.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

class HttpTrash : public HttpTest {
 protected:
  std::string as_alice() const { return "-u alice:password1 "; }
  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
  json api(const std::string& args) {
    auto reply = curl(as_alice() + args);
    EXPECT_EQ(reply.status, 200) << args << "\n" << reply.body;
    return json::parse(reply.body, nullptr, false);
  }
  json trash() { return api(url("/api/trash")).value("entries", json::array()); }
  json post(const std::string& route, const json& body) {
    return api("-X POST -H 'Content-Type: application/json' --data-binary '" + body.dump() + "' " +
               url("/api/" + route));
  }
  void put(const std::string& path, const fs::path& file) {
    auto reply = curl(as_alice() + "-T '" + file.string() + "' " + url("/files/" + path));
    ASSERT_TRUE(reply.status == 201 || reply.status == 200) << reply.status << reply.body;
  }
};

TEST_F(HttpTrash, DeleteGoesToTheTrashAndRestoreGivesBackTheSameBytes) {
  std::string data = random_bytes(800'000, 3);
  write_file(work_ / "r.bin", data);
  put("r.bin", work_ / "r.bin");
  EXPECT_EQ(curl(as_alice() + "-X DELETE " + url("/files/r.bin")).status, 204);
  EXPECT_EQ(curl(as_alice() + url("/files/r.bin")).status, 404);
  auto entries = trash();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["path"], "r.bin");
  EXPECT_EQ(entries[0]["size"], 800'000);
  EXPECT_EQ(post("trash/restore", {{"name", entries[0]["id"]}})["path"], "r.bin");
  auto back = curl(as_alice() + url("/files/r.bin"));
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(back.body == data) << "restored bytes differ";
}

TEST_F(HttpTrash, WebDavDeleteOfAFolderTrashesTheTreeAndRestoreRefusesToOverwrite) {
  ASSERT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/tree")).status, 201);
  ASSERT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/tree/sub")).status, 201);
  write_file(work_ / "deep", "deep bytes");
  put("tree/sub/deep.txt", work_ / "deep");
  EXPECT_EQ(curl(as_alice() + "-X DELETE " + url("/files/tree/")).status, 204);
  EXPECT_FALSE(fs::exists(home() / "tree"));
  ASSERT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/tree")).status, 201);
  auto refused = curl(as_alice() +
                      "-X POST -H 'Content-Type: application/json' --data-binary "
                      "'{\"name\":\"tree\"}' " +
                      url("/api/trash/restore"));
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(post("trash/restore", {{"name", "tree"}, {"to", "tree-again"}})["path"], "tree-again");
  EXPECT_EQ(curl(as_alice() + url("/files/tree-again/sub/deep.txt")).body, "deep bytes");
}

// RFC 4918 deletes an overwritten COPY or MOVE target first; here that delete is the trash, so
// what was at the destination can be restored.
TEST_F(HttpTrash, AnOverwritingMoveOrCopyPutsTheOldTargetInTheTrash) {
  write_file(work_ / "old", "old target");
  write_file(work_ / "new", "new content");
  put("target.txt", work_ / "old");
  put("source.txt", work_ / "new");
  auto moved = curl(as_alice() + "-X MOVE -H 'Overwrite: T' -H 'Destination: " +
                    url("/files/target.txt") + "' " + url("/files/source.txt"));
  EXPECT_EQ(moved.status, 204) << moved.body;
  EXPECT_EQ(curl(as_alice() + url("/files/target.txt")).body, "new content");
  ASSERT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/dir")).status, 201);
  put("dir/inside.txt", work_ / "old");
  ASSERT_EQ(curl(as_alice() + "-X MKCOL " + url("/files/other")).status, 201);
  auto copied = curl(as_alice() + "-X COPY -H 'Destination: " + url("/files/dir/") + "' " +
                     url("/files/other/"));
  EXPECT_EQ(copied.status, 204) << copied.body;
  EXPECT_FALSE(fs::exists(home() / "dir" / "inside.txt"));
  auto entries = trash();
  ASSERT_EQ(entries.size(), 2u);
  std::set<std::string> paths{entries[0]["path"], entries[1]["path"]};
  EXPECT_EQ(paths, (std::set<std::string>{"target.txt", "dir"}));
  EXPECT_EQ(post("trash/restore", {{"name", "target.txt"}, {"to", "old.txt"}})["path"], "old.txt");
  EXPECT_EQ(curl(as_alice() + url("/files/old.txt")).body, "old target");
  EXPECT_EQ(post("trash/restore", {{"name", "dir"}, {"to", "dir-before"}})["path"], "dir-before");
  EXPECT_EQ(curl(as_alice() + url("/files/dir-before/inside.txt")).body, "old target");
}

TEST_F(HttpTrash, PutOverAFileKeepsVersionsAndTheFirstComesBack) {
  std::vector<std::string> contents;
  for (std::uint32_t i = 0; i < 4; ++i) {
    contents.push_back(random_bytes(100'000 + i, 40 + i));
    write_file(work_ / "v", contents.back());
    put("v.bin", work_ / "v");
  }
  auto versions = api(url("/api/versions?path=v.bin"))["versions"];
  ASSERT_EQ(versions.size(), 3u) << versions.dump();
  EXPECT_EQ(versions[2]["checksum"], xxh3(contents[0]));
  EXPECT_EQ(versions[2]["size"], 100'000);
  post("versions/restore", {{"path", "v.bin"}, {"version", versions[2]["id"]}});
  EXPECT_TRUE(curl(as_alice() + url("/files/v.bin")).body == contents[0]);
  auto after = api(url("/api/versions?path=v.bin"))["versions"];
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0]["checksum"], xxh3(contents[3])) << "the replaced content is a version";
}

TEST_F(HttpTrash, AChunkedPutOverAFileKeepsTheOldContentToo) {
  write_file(work_ / "c", "sized first");
  put("c.txt", work_ / "c");
  write_file(work_ / "c", "chunked second");
  auto chunked = curl(as_alice() + "-H 'Transfer-Encoding: chunked' -T '" + (work_ / "c").string() +
                      "' " + url("/files/c.txt"));
  ASSERT_EQ(chunked.status, 200) << chunked.body;
  EXPECT_EQ(curl(as_alice() + url("/files/c.txt")).body, "chunked second");
  auto versions = api(url("/api/versions?path=c.txt"))["versions"];
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0]["checksum"], xxh3("sized first"));
}

TEST_F(HttpTrash, NoUrlReachesTheTrashOrTheVersions) {
  write_file(work_ / "x", "secret");
  put("x", work_ / "x");
  put("x", work_ / "x");
  EXPECT_EQ(curl(as_alice() + "-X DELETE " + url("/files/x")).status, 204);
  ASSERT_TRUE(fs::exists(home() / ".netdisk-trash"));
  ASSERT_TRUE(fs::exists(home() / ".netdisk-versions"));
  auto propfind = curl(as_alice() + "-X PROPFIND -H 'Depth: 1' " + url("/files/"));
  EXPECT_EQ(propfind.status, 207);
  EXPECT_EQ(propfind.body.find(".netdisk-"), std::string::npos) << propfind.body;
  EXPECT_EQ(curl(as_alice() + url("/files/")).body.find(".netdisk-"), std::string::npos);
  for (std::string hostile :
       {"/files/.netdisk-trash/", "/files/.netdisk-versions", "/files/%2enetdisk-trash/",
        "/files/.netdisk-trash%2Fx", "/files/a/..%2F.netdisk-versions/"}) {
    for (std::string method : {"GET", "PROPFIND", "DELETE", "MKCOL"}) {
      auto reply = curl(as_alice() + "-X " + method + " '" + url(hostile) + "'");
      EXPECT_GE(reply.status, 400) << method << " " << hostile;
      EXPECT_EQ(reply.body.find("secret"), std::string::npos);
    }
    auto put_into =
        curl(as_alice() + "-T '" + (work_ / "x").string() + "' '" + url(hostile + "y") + "'");
    EXPECT_GE(put_into.status, 400) << hostile;
  }
  auto move = curl(as_alice() + "-X MOVE -H 'Destination: " + url("/files/.netdisk-trash/z") +
                   "' " + url("/files/x"));
  EXPECT_GE(move.status, 400);
  auto entries = trash();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(fs::exists(home() / ".netdisk-trash" / entries[0]["id"].get<std::string>()));
}

class HttpVersionsKept : public HttpTrash {
 protected:
  void SetUp() override { start({"--versions-kept", "2"}); }
};

TEST_F(HttpVersionsKept, OnlyTheNewestVersionsKeptAreKept) {
  std::vector<std::string> contents;
  for (std::uint32_t i = 0; i < 5; ++i) {
    contents.push_back("content number " + std::to_string(i));
    write_file(work_ / "n", contents.back());
    put("n.txt", work_ / "n");
  }
  auto versions = api(url("/api/versions?path=n.txt"))["versions"];
  ASSERT_EQ(versions.size(), 2u) << versions.dump();
  EXPECT_EQ(versions[0]["checksum"], xxh3(contents[3]));
  EXPECT_EQ(versions[1]["checksum"], xxh3(contents[2]));
  std::size_t on_disk = 0;
  for (const auto& entry : fs::recursive_directory_iterator(home() / ".netdisk-versions")) {
    if (entry.is_regular_file()) ++on_disk;
  }
  EXPECT_EQ(on_disk, 2u) << "pruned versions must leave the disk";
}

class HttpTrashPurge : public HttpTrash {
 protected:
  void SetUp() override { start({"--trash-retention", "2s"}); }
};

TEST_F(HttpTrashPurge, EntriesOlderThanTheRetentionArePurgedOnTheirOwn) {
  write_file(work_ / "old", "old bytes");
  put("old", work_ / "old");
  EXPECT_EQ(curl(as_alice() + "-X DELETE " + url("/files/old")).status, 204);
  ASSERT_EQ(trash().size(), 1u);
  EXPECT_TRUE(wait_until([&] { return fs::is_empty(home() / ".netdisk-trash"); }))
      << server_->log();
  EXPECT_TRUE(trash().empty());
  EXPECT_NE(server_->log().find("trash entries and versions past their retention"),
            std::string::npos);
}

}  // namespace
}  // namespace netdisk::e2e
