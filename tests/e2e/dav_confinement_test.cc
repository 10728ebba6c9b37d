// WebDAV confinement attacks against the real netdiskd (docs/SECURITY.md, "WebDAV"): a COPY
// or MOVE whose Destination names another user's folder, climbs out with "..", raw or
// percent-encoded, leaves /files/, or points at another host; a folder moved or copied into
// itself; PROPFIND with Depth infinity. Each is refused with RFC 4918's status and changes
// nothing in either user's files.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

// Relative path -> content ("<dir>" for folders) of everything under `root`.
std::map<std::string, std::string> tree_of(const fs::path& root) {
  std::map<std::string, std::string> tree;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    auto name = fs::relative(entry.path(), root).string();
    tree[name] = entry.is_directory() ? "<dir>" : read_file(entry.path());
  }
  return tree;
}

class DavConfinementTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    fs::create_directories(home("alice") / "dir" / "sub");
    write_file(home("alice") / "dir" / "sub" / "f.txt", "alice's");
    write_file(home("alice") / "mine.txt", "mine");
    write_file(home("bob") / "bobs.txt", "bob's secret");
    before_ = everything();
  }
  fs::path home(const std::string& user) const { return server_->data_dir() / "home" / user; }
  std::map<std::string, std::string> everything() const {
    auto tree = tree_of(server_->data_dir() / "home");
    return tree;
  }
  // `method` of /files/`source` as alice with this raw Destination header.
  int send(const std::string& method, const std::string& source, const std::string& destination) {
    return curl("-u alice:password1 -X " + method + " -H 'Destination: " + destination + "' '" +
                url("/files/" + source) + "'")
        .status;
  }
  void expect_nothing_changed(const std::string& what) {
    EXPECT_EQ(everything(), before_) << what;
  }
  std::map<std::string, std::string> before_;
};

TEST_F(DavConfinementTest, DestinationInAnotherUsersFolderOrOutsideIsRefused403) {
  const std::vector<std::string> outside = {
      "/files/../bob/stolen.txt", "/files/%2e%2e/bob/stolen.txt", "/files/%2E%2E/x",
      "/files/dir/../../bob/x",   "/files/./x",                   "/files//x",
      "/home/bob/x",              "/api/x",                       "/files/",
      "/files",                   url("/files/%2e%2e/%2e%2e/x")};
  for (const std::string method : {"COPY", "MOVE"}) {
    for (const auto& destination : outside) {
      EXPECT_EQ(send(method, "mine.txt", destination), 403) << method << " " << destination;
      expect_nothing_changed(method + " " + destination);
    }
  }
}

TEST_F(DavConfinementTest, DestinationOnAnotherHostIsRefused502) {
  for (const std::string destination :
       {"http://evil.example/files/x", "https://127.0.0.2:1/files/x", "http://127.0.0.1/files/x"}) {
    EXPECT_EQ(send("COPY", "mine.txt", destination), 502) << destination;
    EXPECT_EQ(send("MOVE", "mine.txt", destination), 502) << destination;
    expect_nothing_changed(destination);
  }
}

TEST_F(DavConfinementTest, MalformedDestinationIsRefused400) {
  for (const std::string destination : {"", "files/x", "/files/%zz", "/files/a%00b"}) {
    EXPECT_EQ(send("MOVE", "mine.txt", destination), 400) << "'" << destination << "'";
    expect_nothing_changed(destination);
  }
}

TEST_F(DavConfinementTest, FolderIntoItselfOrOverItsParentIsRefused403) {
  for (const std::string method : {"COPY", "MOVE"}) {
    EXPECT_EQ(send(method, "dir/", url("/files/dir/sub/copy")), 403) << method;
    EXPECT_EQ(send(method, "dir", url("/files/dir")), 403) << method;
    EXPECT_EQ(send(method, "dir/sub", url("/files/dir")), 403) << method;
    EXPECT_EQ(send(method, "", url("/files/elsewhere")), 403) << method;
    expect_nothing_changed(method);
  }
}

TEST_F(DavConfinementTest, PropfindDepthInfinityIsRefusedWithFiniteDepth) {
  for (const std::string depth : {"-H 'Depth: infinity' ", ""}) {
    auto got = curl("-u alice:password1 -X PROPFIND " + depth + url("/files/"));
    EXPECT_EQ(got.status, 403) << depth;
    EXPECT_NE(got.body.find("<D:propfind-finite-depth/>"), std::string::npos) << got.body;
    EXPECT_EQ(got.body.find("bob"), std::string::npos);
  }
  EXPECT_EQ(curl("-u alice:password1 -X PROPFIND -H 'Depth: 2' " + url("/files/")).status, 400);
}

TEST_F(DavConfinementTest, DavMethodsNeedAnAccountAndSeeOnlyTheCallersFiles) {
  EXPECT_EQ(curl("-X PROPFIND -H 'Depth: 1' " + url("/files/")).status, 401);
  EXPECT_EQ(curl("-X MKCOL " + url("/files/x")).status, 401);
  auto listing = curl("-u alice:password1 -X PROPFIND -H 'Depth: 1' " + url("/files/"));
  EXPECT_EQ(listing.status, 207);
  EXPECT_EQ(listing.body.find("bobs.txt"), std::string::npos);
  EXPECT_EQ(listing.body.find(server_->data_dir().string()), std::string::npos);
  expect_nothing_changed("PROPFIND and refused MKCOL");
}

}  // namespace
}  // namespace netdisk::e2e
