// End-to-end tests of the file operations over the wire against the real netdiskd: uploads,
// downloads and resume, confinement to the user's folder, concurrency and crashes.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client/wire_connection.h"
#include "storage/checksum.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/wait_until.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/helpers.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using client::WireConnection;
namespace fs = std::filesystem;

class Files : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--send-mode", GetParam(), "--password-hash-memory", "1",
                                 "--password-hash-ops", "1"});
    create_user(*server_, "alice");
    create_user(*server_, "bob");
  }
  fs::path home(const std::string& user) { return server_->data_dir() / "home" / user; }

  std::unique_ptr<ServerProcess> server_;
};

INSTANTIATE_TEST_SUITE_P(SendModes, Files, ::testing::Values("buffered", "sendfile"));

TEST_P(Files, UploadListDownloadRoundTripsByteForByteEmptyFileIncluded) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(alice.call("mkdir", {{"path", "docs/2026"}, {"parents", true}}).ok);
  std::map<std::string, std::string> files = {{"empty.txt", ""},
                                              {"small.txt", "hello, disk"},
                                              {"docs/2026/big.bin", random_bytes(3 << 20, 1)}};
  for (const auto& [path, data] : files) {
    auto done = upload(alice, path, data);
    ASSERT_TRUE(done.ok) << path << ": " << done.error->message;
    EXPECT_EQ(done.body["done"], true);
    EXPECT_EQ(done.body["checksum"], xxh3(data));
    EXPECT_TRUE(done.body.contains("version"));
  }
  auto listing = alice.call("list", {{"path", ""}});
  ASSERT_TRUE(listing.ok);
  std::vector<std::string> names;
  for (const auto& entry : listing.body["entries"]) names.push_back(entry["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"docs", "empty.txt", "small.txt"}));
  EXPECT_EQ(listing.body["entries"][2]["size"], 11);
  EXPECT_EQ(listing.body["entries"][0]["type"], "dir");

  for (const auto& [path, data] : files) {
    auto got = download(alice, path);
    ASSERT_TRUE(got.reply.ok) << path;
    EXPECT_EQ(got.reply.body["size"], data.size());
    EXPECT_EQ(got.reply.body["checksum"], xxh3(data));
    EXPECT_TRUE(got.bytes == data) << path << " differs";
  }
  EXPECT_TRUE(alice.call("ping").ok) << "the connection is still in sync after the streams";
}

TEST_P(Files, OverwriteReplacesContentAndSize) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "report.txt", std::string(5000, 'a')).ok);
  ASSERT_TRUE(upload(alice, "report.txt", "short").ok);
  auto got = download(alice, "report.txt");
  EXPECT_EQ(got.bytes, "short");
  EXPECT_EQ(read_file(home("alice") / "report.txt"), "short");
}

TEST_P(Files, ADownloadCutAtSeveralOffsetsAndResumedGivesIdenticalBytes) {
  auto alice = logged_in(*server_, "alice");
  std::string data = random_bytes((1 << 20) + 123, 2);
  ASSERT_TRUE(upload(alice, "movie.bin", data).ok);
  std::string version = download(alice, "movie.bin").reply.body["version"];
  for (std::size_t cut : {std::size_t{1}, std::size_t{4096}, std::size_t{(1 << 20) - 1},
                          data.size() - 1, data.size()}) {
    std::string held = data.substr(0, cut);
    auto rest = download(alice, "movie.bin",
                         {{"offset", cut}, {"version", version}, {"prefix_checksum", xxh3(held)}});
    ASSERT_TRUE(rest.reply.ok) << "cut " << cut << ": " << rest.reply.error->message;
    EXPECT_EQ(rest.reply.body["offset"], cut);
    EXPECT_TRUE(held + rest.bytes == data) << "cut " << cut;
  }
}

TEST_P(Files, ResumeIsRefusedWhenTheServersFileChangedOrTheHeldBytesDiffer) {
  auto alice = logged_in(*server_, "alice");
  std::string old_data = random_bytes(100000, 3);
  ASSERT_TRUE(upload(alice, "f.bin", old_data).ok);
  std::string old_version = download(alice, "f.bin").reply.body["version"];
  std::string held = old_data.substr(0, 50000);

  auto wrong_bytes = download(alice, "f.bin", {{"offset", 50000}, {"version", old_version},
                                              {"prefix_checksum", xxh3(std::string(50000, 'x'))}});
  EXPECT_EQ(wrong_bytes.reply.error_code_name, "version_mismatch");

  ASSERT_TRUE(upload(alice, "f.bin", random_bytes(100000, 4)).ok);  // same size, new content
  auto changed = download(alice, "f.bin", {{"offset", 50000}, {"version", old_version},
                                          {"prefix_checksum", xxh3(held)}});
  EXPECT_EQ(changed.reply.error_code_name, "version_mismatch");

  auto size_only = download(alice, "f.bin", {{"offset", 50000}});
  EXPECT_EQ(size_only.reply.error_code_name, "bad_request") << "size-only resume is refused";
  auto past_end = download(alice, "f.bin", {{"offset", 100001}, {"version", old_version},
                                           {"prefix_checksum", xxh3(held)}});
  EXPECT_EQ(past_end.reply.error_code_name, "offset_out_of_range");
  EXPECT_TRUE(alice.call("ping").ok);
}

TEST_P(Files, AnUploadCutMidwayAndResumedGivesIdenticalBytes) {
  std::string data = random_bytes(6 << 20, 5);
  {
    auto first = logged_in(*server_, "alice");
    auto started = first.call("upload", {{"path", "big.bin"}, {"size", data.size()},
                                         {"checksum", xxh3(data)}});
    ASSERT_TRUE(started.ok);
    EXPECT_EQ(started.body["offset"], 0);
    first.send("upload.data", {{"stream", data.size()}});
    first.send_raw(std::string_view(data).substr(0, 2 << 20));
    // Cut once the server has taken some of the bytes.
    ASSERT_TRUE(wait_until([&] { return partial_upload_bytes(home("alice")) > 0; }));
  }
  auto second = logged_in(*server_, "alice");
  auto listing = second.call("list", {{"path", ""}});
  EXPECT_TRUE(listing.body["entries"].empty()) << "a partial upload must never be listed";
  // Until the server has seen the cut, the first connection still holds the partial and a
  // resume starts from 0; ask again every 50 ms.
  std::uint64_t offset = 0;
  wait_until([&] {
    auto resumed = second.call("upload", {{"path", "big.bin"}, {"size", data.size()},
                                          {"checksum", xxh3(data)}});
    EXPECT_TRUE(resumed.ok) << resumed.error->message;
    offset = resumed.ok ? resumed.body["offset"].get<std::uint64_t>() : 0;
    return !resumed.ok || offset > 0;
  }, 30s, 50ms);
  EXPECT_GT(offset, 0u);
  EXPECT_LE(offset, 2u << 20);
  second.send("upload.data", {{"stream", data.size() - offset}});
  second.send_raw(std::string_view(data).substr(offset));
  auto done = second.receive();
  ASSERT_TRUE(done && done->ok) << (done ? done->error->message : "closed");
  EXPECT_TRUE(read_file(home("alice") / "big.bin") == data);
}

TEST_P(Files, EveryConfinementAttackIsRefusedAndTheOtherUsersFilesAreUntouched) {
  auto bob = logged_in(*server_, "bob");
  ASSERT_TRUE(upload(bob, "secret.txt", "bob's secret").ok);
  fs::create_directory_symlink(home("bob"), home("alice") / "to_bob");
  fs::create_symlink("/etc/passwd", home("alice") / "passwd");

  auto alice = logged_in(*server_, "alice");
  const std::vector<std::string> attacks = {
      "../bob/secret.txt", "/etc/passwd",      "a/../../bob",     "..",   ".",
      "a\\..\\b",          std::string("a\0b", 3), "\x01",       std::string(256, 'n'),
      std::string(4097, 'p'), "to_bob/secret.txt", "to_bob",       "passwd", ".netdisk-part.x",
      "trailing.",         "trailing ",        "a//b"};
  // (Invalid UTF-8 cannot travel inside JSON: the codec refuses it as bad_json, tested in
  // core_test's BadInput catalogue.)
  for (const auto& path : attacks) {
    SCOPED_TRACE(json(path).dump(-1, ' ', true, json::error_handler_t::replace));
    for (auto [op, fields] : std::vector<std::pair<std::string, json>>{
             {"download", {{"path", path}}},
             {"list", {{"path", path}}},
             {"stat", {{"path", path}}},
             {"remove", {{"path", path}}},
             {"mkdir", {{"path", path}}},
             {"rename", {{"from", path}, {"to", "x"}}},
             {"rename", {{"from", "x"}, {"to", path}}},
             {"upload", {{"path", path}, {"size", 1}}}}) {
      auto reply = alice.call(op, fields);
      EXPECT_FALSE(reply.ok) << op;
      // mkdir over a planted link's own name is already_exists: it names an entry of the
      // user's own folder, so nothing about anyone else is revealed.
      bool own_entry = op == "mkdir" && reply.error_code_name == "already_exists";
      EXPECT_TRUE(reply.error_code_name == "invalid_path" || reply.error_code_name == "not_found" ||
                  own_entry)
          << op << " -> " << reply.error_code_name;
    }
  }
  EXPECT_EQ(read_file(home("bob") / "secret.txt"), "bob's secret");
  EXPECT_TRUE(fs::exists(home("bob") / "secret.txt"));
  auto bob_list = bob.call("list", {{"path", ""}});
  EXPECT_EQ(bob_list.body["entries"].size(), 1u);
}

TEST_P(Files, TwoClientsUploadingTheSameNameAtOnceEndWithOneCompleteVersion) {
  std::string a = random_bytes(4 << 20, 6), b = random_bytes(4 << 20, 7);
  auto first = logged_in(*server_, "alice");
  auto second = logged_in(*server_, "alice");
  std::thread one([&] { EXPECT_TRUE(upload(first, "same.bin", a).ok); });
  std::thread two([&] { EXPECT_TRUE(upload(second, "same.bin", b).ok); });
  one.join();
  two.join();
  auto result = read_file(home("alice") / "same.bin");
  EXPECT_TRUE(result == a || result == b) << "a mix of two uploads";
}

TEST_P(Files, ADownloadRunningWhileTheFileIsOverwrittenYieldsTheCompleteOldContent) {
  std::string old_data = random_bytes(8 << 20, 8), new_data = random_bytes(3 << 20, 9);
  auto writer = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(writer, "live.bin", old_data).ok);
  auto reader = logged_in(*server_, "alice");
  auto reply = reader.call("download", {{"path", "live.bin"}});
  ASSERT_TRUE(reply.ok);
  std::string got = reader.receive_raw(1 << 20);
  ASSERT_TRUE(upload(writer, "live.bin", new_data).ok);
  got += reader.receive_raw(old_data.size() - got.size());
  EXPECT_TRUE(got == old_data);
  EXPECT_TRUE(download(reader, "live.bin").bytes == new_data);
}

TEST_P(Files, KillNineDuringAnUploadLeavesThePreviousVersionIntact) {
  std::string v1 = random_bytes(1 << 20, 10), v2 = random_bytes(4 << 20, 11);
  {
    auto alice = logged_in(*server_, "alice");
    ASSERT_TRUE(upload(alice, "doc.bin", v1).ok);
    ASSERT_TRUE(alice.call("upload", {{"path", "doc.bin"}, {"size", v2.size()}}).ok);
    alice.send("upload.data", {{"stream", v2.size()}});
    alice.send_raw(std::string_view(v2).substr(0, 2 << 20));
    ASSERT_TRUE(wait_until([&] { return partial_upload_bytes(home("alice")) > 0; }));
    server_->kill_hard();
  }
  server_->restart();
  auto alice = logged_in(*server_, "alice");
  EXPECT_TRUE(download(alice, "doc.bin").bytes == v1);
  auto listing = alice.call("list", {{"path", ""}});
  ASSERT_EQ(listing.body["entries"].size(), 1u);
}

TEST_P(Files, FilesOverFourGibibytesHaveExactSizesAndResumeAboveTheLimit) {
  constexpr std::uint64_t kSize = (5ull << 30) + 17;
  auto path = home("alice") / "huge.img";
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kSize)), 0);
    std::string tail = "the end of a very large file";
    ASSERT_EQ(::pwrite(fd, tail.data(), tail.size(), static_cast<off_t>(kSize - tail.size())),
              static_cast<ssize_t>(tail.size()));
    ::close(fd);
  }
  auto alice = logged_in(*server_, "alice");
  auto stat = alice.call("stat", {{"path", "huge.img"}});
  ASSERT_TRUE(stat.ok);
  EXPECT_EQ(stat.body["size"], kSize);
  std::string version = stat.body["version"];

  std::uint64_t offset = kSize - 4096;
  int fd = ::open(path.c_str(), O_RDONLY);
  auto prefix = storage::prefix_checksum(fd, offset);
  ::close(fd);
  ASSERT_TRUE(prefix.ok());
  auto rest = download(alice, "huge.img",
                       {{"offset", offset}, {"version", version}, {"prefix_checksum", *prefix}});
  ASSERT_TRUE(rest.reply.ok) << rest.reply.error->message;
  EXPECT_EQ(rest.bytes.size(), 4096u);
  EXPECT_TRUE(rest.bytes.ends_with("the end of a very large file"));

  auto announce = alice.call("upload", {{"path", "huge-upload.img"}, {"size", kSize}});
  if (announce.ok) {
    EXPECT_EQ(announce.body["offset"], 0);
  } else {
    EXPECT_EQ(announce.error_code_name, "disk_full") << "only a lack of space may refuse it";
  }
}

TEST_P(Files, AListingOfTenThousandEntriesComesInBoundedPagesInNameOrder) {
  for (int i = 0; i < 10000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "file%05d.txt", i);
    write_file(home("alice") / name, "x");
  }
  auto alice = logged_in(*server_, "alice");
  std::vector<std::string> names;
  json request = {{"path", ""}};
  int pages = 0;
  while (true) {
    auto page = alice.call("list", request);
    ASSERT_TRUE(page.ok);
    ++pages;
    EXPECT_LE(page.body["entries"].size(), 1000u);
    for (const auto& entry : page.body["entries"]) names.push_back(entry["name"]);
    if (!page.body["more"].get<bool>()) break;
    request["after"] = names.back();
  }
  EXPECT_EQ(pages, 10);
  ASSERT_EQ(names.size(), 10000u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.front(), "file00000.txt");
  EXPECT_EQ(names.back(), "file09999.txt");
}

TEST_P(Files, RemoveAndRenameWorkWithinTheFolder) {
  auto alice = logged_in(*server_, "alice");
  ASSERT_TRUE(upload(alice, "a.txt", "A").ok);
  ASSERT_TRUE(upload(alice, "b.txt", "B").ok);
  EXPECT_EQ(alice.call("rename", {{"from", "a.txt"}, {"to", "b.txt"}}).error_code_name,
            "already_exists");
  ASSERT_TRUE(alice.call("rename", {{"from", "a.txt"}, {"to", "c.txt"}}).ok);
  ASSERT_TRUE(alice.call("mkdir", {{"path", "dir"}}).ok);
  ASSERT_TRUE(upload(alice, "dir/inner.txt", "I").ok);
  EXPECT_EQ(alice.call("remove", {{"path", "dir"}}).error_code_name, "not_empty");
  ASSERT_TRUE(alice.call("remove", {{"path", "dir/inner.txt"}}).ok);
  ASSERT_TRUE(alice.call("remove", {{"path", "dir"}}).ok);
  ASSERT_TRUE(alice.call("remove", {{"path", "b.txt"}}).ok);
  EXPECT_EQ(alice.call("remove", {{"path", "b.txt"}}).error_code_name, "not_found");
  EXPECT_EQ(read_file(home("alice") / "c.txt"), "A");
  EXPECT_FALSE(fs::exists(home("alice") / "b.txt"));
}

TEST_P(Files, StreamsThatDoNotMatchAnUploadAreConsumedSoTheConnectionStaysInSync) {
  auto alice = logged_in(*server_, "alice");
  alice.send("upload.data", {{"stream", 10}});
  alice.send_raw("0123456789");
  auto stray = alice.receive();
  ASSERT_TRUE(stray.has_value());
  EXPECT_EQ(stray->error_code_name, "bad_request");
  EXPECT_TRUE(alice.call("ping").ok);

  ASSERT_TRUE(alice.call("upload", {{"path", "x.txt"}, {"size", 3}}).ok);
  alice.send("upload.data", {{"stream", 5}});
  alice.send_raw("12345");
  auto too_long = alice.receive();
  ASSERT_TRUE(too_long.has_value());
  EXPECT_EQ(too_long->error_code_name, "bad_request");
  EXPECT_TRUE(alice.call("ping").ok);
}

TEST_P(Files, FileOperationsBeforeLoginAreRefused) {
  WireConnection anonymous(server_->port());
  anonymous.hello();
  for (const char* op : {"list", "download", "upload", "mkdir", "remove", "rename", "stat"}) {
    EXPECT_EQ(anonymous.call(op, {{"path", "x"}}).error_code_name, "not_logged_in") << op;
  }
}

TEST(PartialUploads, KillNineRoundsDuringUploadsKeepTheLastAcknowledgedVersionAndLeaveNoTempFiles) {
  ServerProcess server({"--partial-ttl", "2", "--password-hash-memory", "1",
                        "--password-hash-ops", "1"});
  create_user(server, "alice");
  auto home = server.data_dir() / "home" / "alice";
  std::string acknowledged;
  for (std::uint32_t round = 0; round < 4; ++round) {
    std::string next = random_bytes((1 << 20) + round, 100 + round);
    {
      auto alice = logged_in(server, "alice");
      ASSERT_TRUE(upload(alice, "doc.bin", next).ok);
      acknowledged = next;
      // An upload that is never acknowledged: half of it, with and without a checksum.
      std::string unacknowledged = random_bytes(2 << 20, 200 + round);
      json announce = {{"path", "doc.bin"}, {"size", unacknowledged.size()}};
      if (round % 2 == 0) announce["checksum"] = xxh3(unacknowledged);
      ASSERT_TRUE(alice.call("upload", announce).ok);
      alice.send("upload.data", {{"stream", unacknowledged.size()}});
      alice.send_raw(std::string_view(unacknowledged).substr(0, 1 << 20));
      std::this_thread::sleep_for(100ms);
      server.kill_hard();
    }
    server.restart();
    EXPECT_TRUE(read_file(home / "doc.bin") == acknowledged) << "round " << round;
  }
  // What the crashes left is swept once --partial-ttl passes, in the home folders and beside
  // the workbook alike.
  for (int i = 0; i < 150 && !reserved_entries(home).empty(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(reserved_entries(home).empty());
  EXPECT_TRUE(reserved_entries(server.data_dir()).empty());
  auto alice = logged_in(server, "alice");
  EXPECT_TRUE(download(alice, "doc.bin").bytes == acknowledged);
}

TEST(PartialUploads, ThoseNobodyResumesAreRemovedAfterTheirExpiry) {
  ServerProcess server({"--partial-ttl", "1", "--password-hash-memory", "1",
                        "--password-hash-ops", "1"});
  create_user(server, "alice");
  std::string data = random_bytes(1 << 20, 12);
  {
    auto alice = logged_in(server, "alice");
    ASSERT_TRUE(alice.call("upload", {{"path", "p.bin"}, {"size", data.size()},
                                      {"checksum", xxh3(data)}}).ok);
    alice.send("upload.data", {{"stream", data.size()}});
    alice.send_raw(std::string_view(data).substr(0, 1000));
  }
  auto home = server.data_dir() / "home" / "alice";
  auto partials = [&] {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(home)) {
      if (entry.path().filename().string().starts_with(".netdisk-part.")) ++count;
    }
    return count;
  };
  bool seen = false;
  for (int i = 0; i < 40 && !seen; ++i) {
    seen = partials() > 0;
    if (!seen) std::this_thread::sleep_for(25ms);
  }
  // The partial may already be gone if the sweep ran in between; either way it must vanish.
  for (int i = 0; i < 100 && partials() > 0; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(partials(), 0);
}

}  // namespace
}  // namespace netdisk::e2e
