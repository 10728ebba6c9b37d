// End-to-end tests of folder URLs on the HTTP side (docs/HTTP.md, "Folders"): /files/ and
// /files/<folder>/ list the folder as HTML that rclone's http backend and `wget -r` can walk,
// or as JSON on request; a folder URL without its slash is redirected; a file URL with one is
// an error; and curl -OJ saves a readable ASCII name.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "client/wire_connection.h"
#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// Relative path -> content of every regular file under `root`.
std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
    }
  }
  return files;
}

// "path (size)" lines of such a map: what a failure prints instead of the bytes.
std::string sizes_of(const std::map<std::string, std::string>& files) {
  std::string out;
  for (const auto& [path, data] : files) out += path + " (" + std::to_string(data.size()) + ")\n";
  return out;
}

class HttpFolderTest : public HttpTest {
 protected:
  // A tree with nested folders and names with spaces, UTF-8 and URL-special characters.
  void SetUp() override {
    HttpTest::SetUp();
    auto alice = logged_in(*server_, "alice");
    for (const char* folder : {"sub dir/深 层", "empty"}) {
      ASSERT_TRUE(alice.call("mkdir", {{"path", folder}, {"parents", true}}).ok) << folder;
    }
    tree_ = {{"top.txt", "top"},
             {"with space.txt", "spaced"},
             {"报告 2026.pdf", random_bytes(70'000, 1)},
             {"a#b?c;d%e.txt", "special"},
             {"sub dir/inner.bin", random_bytes(300'000, 2)},
             {"sub dir/naïve.txt", "naive"},
             {"sub dir/深 层/deep file.txt", "deep"}};
    for (const auto& [path, data] : tree_) tcp_upload(alice, path, data);
  }
  std::string rclone(const std::string& command, const std::string& args) {
    auto result = run_shell(
        "rclone --config '" + (work_ / "rclone.conf").string() + "' " + command + " --http-url " +
        url("/files/") +
        " --http-headers 'Authorization,Basic YWxpY2U6cGFzc3dvcmQx' :http: " + args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  std::map<std::string, std::string> tree_;
};

TEST_F(HttpFolderTest, RcloneHttpBackendListsAndCopiesTheTree) {
  auto listing = rclone("lsf -R --format ps --separator '|'", "");
  std::set<std::string> lines;
  for (std::size_t start = 0, end; start < listing.size(); start = end + 1) {
    end = listing.find('\n', start);
    if (end == std::string::npos) end = listing.size();
    if (end > start) lines.insert(listing.substr(start, end - start));
  }
  std::set<std::string> expected = {"empty/|-1", "sub dir/|-1", "sub dir/深 层/|-1"};
  for (const auto& [path, data] : tree_) expected.insert(path + "|" + std::to_string(data.size()));
  EXPECT_EQ(lines, expected) << listing;

  fs::path copy = work_ / "rclone-copy";
  rclone("copy", "'" + copy.string() + "'");
  auto copied = files_under(copy);
  EXPECT_EQ(sizes_of(copied), sizes_of(tree_));
  EXPECT_TRUE(copied == tree_);
}

TEST_F(HttpFolderTest, WgetMirrorsTheTreeRecursively) {
  fs::path mirror = work_ / "wget-mirror";
  auto result = run_shell(
      "wget -q -r -np -nH --cut-dirs=1 --restrict-file-names=nocontrol "
      "-R 'index.html*' --user alice --password password1 -P '" +
      mirror.string() + "' " + url("/files/") + " 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.out;
  auto mirrored = files_under(mirror);
  EXPECT_EQ(sizes_of(mirrored), sizes_of(tree_));
  EXPECT_TRUE(mirrored == tree_);
}

TEST_F(HttpFolderTest, JsonListingWhenAcceptAsksForIt) {
  auto got = curl("-u alice:password1 -H 'Accept: application/json' " + url("/files/sub%20dir/"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.header("Content-Type"), "application/json; charset=utf-8");
  auto body = json::parse(got.body);
  EXPECT_EQ(body["path"], "sub dir");
  std::map<std::string, std::pair<std::string, std::uint64_t>> entries;
  for (const auto& entry : body["entries"]) {
    entries[entry["name"]] = {entry["type"], entry["size"]};
    EXPECT_TRUE(entry["mtime"].is_string());
  }
  EXPECT_EQ(
      entries,
      (std::map<std::string, std::pair<std::string, std::uint64_t>>{
          {"inner.bin", {"file", 300'000}}, {"naïve.txt", {"file", 5}}, {"深 层", {"dir", 0}}}));
  // Without it, the same URL is the HTML page.
  auto page = curl("-u alice:password1 " + url("/files/sub%20dir/"));
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<a href=\"inner.bin\">inner.bin</a>"), std::string::npos);
  EXPECT_NE(page.body.find("<a href=\"%E6%B7%B1%20%E5%B1%82/\">深 层/</a>"), std::string::npos);
}

TEST_F(HttpFolderTest, AFolderUrlWithoutItsSlashRedirectsAndAFileUrlWithOneIsRefused) {
  auto folder = curl("-u alice:password1 " + url("/files/sub%20dir?x=1"));
  EXPECT_EQ(folder.status, 301);
  EXPECT_EQ(folder.header("Location"), "/files/sub%20dir/?x=1");
  auto top = curl("-u alice:password1 -I " + url("/files"));
  EXPECT_EQ(top.status, 301);
  EXPECT_EQ(top.header("Location"), "/files/");
  auto followed = curl("-L -u alice:password1 " + url("/files/sub%20dir"));
  EXPECT_EQ(followed.status, 200);
  EXPECT_NE(followed.body.find("inner.bin"), std::string::npos);

  auto file_as_folder = curl("-u alice:password1 " + url("/files/top.txt/"));
  EXPECT_EQ(file_as_folder.status, 404);
  EXPECT_EQ(json::parse(file_as_folder.body)["error"]["code"], "not_a_directory");
  auto delete_as_folder = curl("-u alice:password1 -X DELETE " + url("/files/top.txt/"));
  EXPECT_EQ(delete_as_folder.status, 404);
  EXPECT_TRUE(fs::exists(server_->data_dir() / "home" / "alice" / "top.txt"));
  auto missing = curl("-u alice:password1 " + url("/files/no-such-folder/"));
  EXPECT_EQ(missing.status, 404);
  // A listing needs the same login as the files.
  EXPECT_EQ(curl(url("/files/")).status, 401);
  EXPECT_EQ(curl("-u bob:password1 " + url("/files/sub%20dir/")).status, 404);
}

TEST_F(HttpFolderTest, NamesWithMarkupAreEscapedInTheListing) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "<img src=x onerror=alert(1)>.txt", "x");
  tcp_upload(alice, "\" onmouseover=\"alert(2).txt", "y");
  auto page = curl("-u alice:password1 " + url("/files/"));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  EXPECT_EQ(page.body.find("\" onmouseover"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;img src=x onerror=alert(1)&gt;.txt"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.txt\""),
            std::string::npos);
  EXPECT_EQ(page.header("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
}

TEST_F(HttpFolderTest, CurlSavesAReadableAsciiNameWithRemoteHeaderName) {
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "2026 报告 final.pdf", "pdf one");
  tcp_upload(alice, "报告.pdf", "pdf two");
  fs::path into = work_ / "curl-oj";
  fs::create_directories(into);
  for (const char* encoded :
       {"/files/2026%20%E6%8A%A5%E5%91%8A%20final.pdf", "/files/%E6%8A%A5%E5%91%8A.pdf"}) {
    auto saved = run_shell("cd '" + into.string() + "' && curl -sS -f -u alice:password1 -OJ " +
                           url(encoded) + " 2>&1");
    EXPECT_EQ(saved.exit_code, 0) << saved.out;
  }
  // curl 7.88 reads only filename= (the ASCII fallback), not filename*.
  EXPECT_EQ(names_in(into), (std::vector<std::string>{"2026 _ final.pdf", "download.pdf"}));
  EXPECT_EQ(read_file(into / "2026 _ final.pdf"), "pdf one");
  EXPECT_EQ(read_file(into / "download.pdf"), "pdf two");
}

}  // namespace
}  // namespace netdisk::e2e
