// End-to-end tests of chunked PUT bodies on /files/ (issue #18; docs/HTTP.md, "Uploads"), the
// framing macOS Finder and some libraries send: sizes from nothing to MiBs in odd chunks with
// extensions and a trailer, Finder's LOCK / PUT with X-Expected-Entity-Length / UNLOCK, broken
// framing, a stalled body, a real full disk, pipelining. Requests are written byte by byte
// over raw sockets, so the framing is exactly what the test means (no client normalises it);
// curl and the netdisk client check what was stored.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/small_disk_test.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr std::string_view kAliceBasic = "Authorization: Basic YWxpY2U6cGFzc3dvcmQx\r\n";
constexpr std::string_view kLockBody =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:lockinfo xmlns:D=\"DAV:\">"
    "<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>"
    "<D:owner>finder</D:owner></D:lockinfo>";

struct Reply {
  int status = 0;  // 0: the connection ended before a whole response came
  std::string head;
  std::string body;
  std::string header(const std::string& name) const { return header_value(head, name); }
};

// One keep-alive connection to the HTTP port, written exactly as the test says and read one
// response at a time (every reply of netdiskd to a PUT carries a Content-Length).
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(connect_loopback(port)) {
    if (fd_ < 0) throw std::runtime_error("cannot connect to the HTTP port");
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the server closed or reset the connection.
  bool send(std::string_view bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  void stop_sending() { ::shutdown(fd_, SHUT_WR); }

  Reply next_reply() {
    Reply reply;
    std::size_t end = 0;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more()) return reply;
    }
    reply.head = pending_.substr(0, end);
    auto length = std::stoull("0" + header_value(reply.head, "Content-Length"));
    while (pending_.size() < end + 4 + length) {
      if (!read_more()) return reply;
    }
    reply.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    reply.status = std::stoi(reply.head.substr(9, 3));
    return reply;
  }

  // True once the server has closed the connection (EOF or a reset), within 30 s.
  bool closed_by_server() {
    while (read_more()) {
    }
    return closed_;
  }

 private:
  bool read_more() {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, 100) <= 0) continue;
      char buffer[65536];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        return false;
      }
      pending_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  int fd_;
  std::string pending_;
  bool closed_ = false;
};

// `data` in chunked framing, cut into `sizes` in turn (the last one repeats), with a chunk
// extension on every other chunk and `trailer` (header lines, each ending in CRLF) at the end.
std::string chunked(std::string_view data, const std::vector<std::size_t>& sizes,
                    std::string_view trailer = "") {
  std::string out;
  std::size_t turn = 0;
  for (std::size_t at = 0; at < data.size(); ++turn) {
    auto n = std::min(sizes[std::min(turn, sizes.size() - 1)], data.size() - at);
    out += fmt::format("{:x}{}\r\n", n, turn % 2 == 1 ? ";name=\"odd; chunk\";flag" : "");
    out.append(data.substr(at, n)).append("\r\n");
    at += n;
  }
  return out + "0\r\n" + std::string(trailer) + "\r\n";
}

std::string put_head(const std::string& path, std::string_view extra = "") {
  return "PUT /files/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(kAliceBasic) +
         "Transfer-Encoding: chunked\r\n" + std::string(extra) + "\r\n";
}

class DavChunked : public HttpTest {
 protected:
  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
  std::string get(const std::string& path) {
    auto got = curl("-u alice:password1 '" + url("/files/" + path) + "'");
    EXPECT_EQ(got.status, 200) << path;
    return got.body;
  }
  client::WireConnection alice() { return logged_in(*server_, "alice"); }
  // The old file still there, and no partial upload left beside it.
  void expect_untouched(const std::string& path, const std::string& old) {
    EXPECT_TRUE(read_file(home() / path) == old) << path << " changed";
    EXPECT_TRUE(wait_until([&] { return reserved_entries(home()).empty(); }))
        << "a partial upload was left behind";
  }
};

TEST_F(DavChunked, ChunkedPutsOfNothingOneByteAndMiBsInOddChunksAreStoredByteIdentical) {
  struct Case {
    std::string name;
    std::string data;
  };
  std::vector<Case> cases{
      {"empty.bin", ""}, {"one.bin", "x"}, {"big.bin", random_bytes((3 << 20) + 12345, 7)}};
  RawConnection connection(server_->http_port());  // all on one keep-alive connection
  for (const auto& [name, data] : cases) {
    auto body = chunked(data, {1, 7, 4093, 65537, (1 << 20) + 3, 333},
                        "X-Checksum: none\r\nX-Other: yes\r\n");
    ASSERT_TRUE(connection.send(put_head(name) + body));
    auto reply = connection.next_reply();
    ASSERT_EQ(reply.status, 201) << name << ": " << reply.body;
    EXPECT_EQ(nlohmann::json::parse(reply.body)["size"], data.size());
    EXPECT_FALSE(reply.header("ETag").empty());
    EXPECT_TRUE(get(name) == data) << name << " through GET";
    auto tcp = alice();
    EXPECT_TRUE(tcp_download(tcp, name) == data) << name << " through the TCP protocol";
  }
  // And through the netdisk client, as a user would fetch it.
  auto got = run_netdisk(
      {"--server", "127.0.0.1:" + std::to_string(server_->port()), "--user", "alice", "get",
       "big.bin", (work_ / "fetched.bin").string()},
      {{"NETDISK_PASSWORD", "password1"}, {"XDG_CONFIG_HOME", (work_ / "config").string()}});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_TRUE(read_file(work_ / "fetched.bin") == cases[2].data);
  EXPECT_TRUE(reserved_entries(home()).empty());
}

TEST_F(DavChunked, CurlsChunkedUploadReplacesAFileAnd200Answers) {
  auto tcp = alice();
  tcp_upload(tcp, "doc.bin", "old");
  std::string data = random_bytes(2 << 20, 3);
  write_file(work_ / "doc.bin", data);
  auto put = curl("-u alice:password1 -T '" + (work_ / "doc.bin").string() +
                  "' -H 'Transfer-Encoding: chunked' '" + url("/files/doc.bin") + "'");
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(get("doc.bin") == data);
}

TEST_F(DavChunked, AChunkedPutReplacingAFileIsAtomicForAConcurrentReader) {
  std::string old_data = random_bytes(1 << 20, 1), new_data = random_bytes((3 << 20) + 77, 2);
  auto tcp = alice();
  tcp_upload(tcp, "doc.bin", old_data);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, mixed{0};
  std::thread reader([&] {
    auto connection = logged_in(*server_, "alice");
    while (!stop) {
      auto seen = tcp_download(connection, "doc.bin");
      if (seen != old_data && seen != new_data) ++mixed;
      ++reads;
    }
  });
  auto body = chunked(new_data, {100000});
  RawConnection connection(server_->http_port());
  ASSERT_TRUE(connection.send(put_head("doc.bin") + body.substr(0, body.size() / 2)));
  // Half the body (over one 1 MiB receive chunk) is on the server's disk: the reader still
  // sees the whole old file.
  ASSERT_TRUE(wait_until([&] { return partial_upload_bytes(home()) > 0; }));
  int before = reads;
  ASSERT_TRUE(wait_until([&] { return reads > before + 2; }));
  EXPECT_TRUE(tcp_download(tcp, "doc.bin") == old_data);
  ASSERT_TRUE(connection.send(body.substr(body.size() / 2)));
  EXPECT_EQ(connection.next_reply().status, 200);
  EXPECT_TRUE(tcp_download(tcp, "doc.bin") == new_data);
  stop = true;
  reader.join();
  EXPECT_EQ(mixed, 0) << "a reader saw a mix of the old and the new file";
  EXPECT_GT(reads, 2);
}

TEST_F(DavChunked, AFinderLikeLockedUploadMustBringExactlyItsAnnouncedSize) {
  RawConnection finder(server_->http_port());
  ASSERT_TRUE(finder.send("LOCK /files/note.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                          std::string(kAliceBasic) + "Content-Type: application/xml\r\n" +
                          "Timeout: Second-600\r\nContent-Length: " +
                          std::to_string(kLockBody.size()) + "\r\n\r\n" + std::string(kLockBody)));
  auto locked = finder.next_reply();
  ASSERT_EQ(locked.status, 201) << locked.body;
  auto token = locked.header("Lock-Token");  // "<urn:uuid:...>"
  ASSERT_FALSE(token.empty());
  std::string with_token = "If: (" + token + ")\r\n";
  auto put_sized = [&](RawConnection& connection, std::string_view data, std::size_t announced,
                       const std::string& extra) {
    EXPECT_TRUE(connection.send(put_head("note.txt", extra + "X-Expected-Entity-Length: " +
                                                         std::to_string(announced) + "\r\n") +
                                chunked(data, {4})));
    return connection.next_reply();
  };
  // Shorter and longer than announced: 400, nothing published (LOCK made an empty file).
  auto shorter = put_sized(finder, "only nine", 10, with_token);
  EXPECT_EQ(shorter.status, 400) << shorter.body;
  EXPECT_NE(shorter.body.find("size_mismatch"), std::string::npos) << shorter.body;
  expect_untouched("note.txt", "");
  RawConnection second(server_->http_port());  // a body refused midway closes its connection
  auto longer = put_sized(second, "eleven bytes", 10, with_token);
  EXPECT_EQ(longer.status, 400) << longer.body;
  EXPECT_TRUE(second.closed_by_server());
  expect_untouched("note.txt", "");
  // The write gate and preconditions hold as for a PUT with a length.
  RawConnection third(server_->http_port());
  EXPECT_EQ(put_sized(third, "ten bytes!", 10, "").status, 423) << "no lock token";
  RawConnection fourth(server_->http_port());
  EXPECT_EQ(put_sized(fourth, "ten bytes!", 10, with_token + "If-Match: \"other\"\r\n").status,
            412);
  expect_untouched("note.txt", "");
  // Exactly as announced: published; then Finder unlocks.
  auto exact = put_sized(finder, "ten bytes!", 10, with_token);
  EXPECT_EQ(exact.status, 200) << exact.body;
  EXPECT_EQ(get("note.txt"), "ten bytes!");
  ASSERT_TRUE(finder.send("UNLOCK /files/note.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                          std::string(kAliceBasic) + "Lock-Token: " + token + "\r\n\r\n"));
  EXPECT_EQ(finder.next_reply().status, 204);
}

TEST_F(DavChunked, MalformedChunkFramingIsRefusedClosesTheConnectionAndKeepsTheOldFile) {
  auto tcp = alice();
  tcp_upload(tcp, "doc.txt", "old");
  struct Case {
    std::string what;
    std::string body;
    bool then_fin = false;
  };
  std::vector<Case> cases{
      {"bad hex", "3\r\nabc\r\nzz\r\n"},
      {"a size over 64 bits", "10000000000000000\r\n"},
      {"no CRLF after the data", "3\r\nabcXY\r\n"},
      {"a chunk-size line over 64 KiB", "1;" + std::string((64 << 10) - 2, 'e')},
      {"a trailer over 64 KiB", "0\r\nX-Big: " + std::string((64 << 10) - 10, 't')},
      {"truncated", "10\r\nabc", true},
      {"truncated before the last chunk", "3\r\nabc\r\n", true}};
  for (const auto& [what, body, then_fin] : cases) {
    RawConnection connection(server_->http_port());
    connection.send(put_head("doc.txt") + body);
    if (then_fin) connection.stop_sending();
    auto reply = connection.next_reply();
    EXPECT_EQ(reply.status, 400) << what << ": " << reply.body;
    EXPECT_TRUE(connection.closed_by_server()) << what;
    expect_untouched("doc.txt", "old");
  }
}

TEST_F(DavChunked, APipelinedRequestAfterAChunkedPutIsServed) {
  RawConnection connection(server_->http_port());
  ASSERT_TRUE(connection.send(put_head("p.txt") + chunked("pipelined", {2}, "X-T: 1\r\n") +
                              "GET /files/p.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              std::string(kAliceBasic) + "\r\n"));
  EXPECT_EQ(connection.next_reply().status, 201);
  auto got = connection.next_reply();
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "pipelined");
}

TEST_F(DavChunked, FindersAppleDoubleAndDsStoreFilesAreOrdinaryFiles) {
  RawConnection connection(server_->http_port());
  const std::string meta("\x00\x05\x16\x07 meta", 9);  // AppleDouble's magic, then bytes
  for (std::string name : {"._report.txt", ".DS_Store"}) {
    ASSERT_TRUE(connection.send(put_head(name) + chunked(meta, {3})));
    EXPECT_EQ(connection.next_reply().status, 201) << name;
    EXPECT_TRUE(get(name) == meta) << name;
  }
  auto listing = curl("-u alice:password1 -X PROPFIND -H 'Depth: 1' '" + url("/files/") + "'");
  EXPECT_EQ(listing.status, 207);
  EXPECT_NE(listing.body.find("/files/._report.txt"), std::string::npos) << listing.body;
  EXPECT_NE(listing.body.find("/files/.DS_Store"), std::string::npos) << listing.body;
}

TEST_F(DavChunked, AChunkedBodyThatStallsIsCutOffAndLeavesNothing) {
  start({"--http-body-timeout", "2"});
  auto tcp = alice();
  tcp_upload(tcp, "doc.txt", "old");
  RawConnection connection(server_->http_port());
  ASSERT_TRUE(connection.send(put_head("doc.txt") + "5\r\nabcde\r\n"));
  ASSERT_TRUE(wait_until([&] { return !reserved_entries(home()).empty(); })) << "begun";
  EXPECT_TRUE(connection.closed_by_server()) << "a stalled chunked body must be cut off";
  expect_untouched("doc.txt", "old");
}

TEST_F(DavChunked, AnotherTransferCodingIsNotImplemented) {
  RawConnection connection(server_->http_port());
  ASSERT_TRUE(connection.send("PUT /files/z.gz HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              std::string(kAliceBasic) +
                              "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
  EXPECT_EQ(connection.next_reply().status, 501);
  EXPECT_FALSE(fs::exists(home() / "z.gz"));
}

// A real full disk under a chunked body: the data folder on a small loop-mounted ext4.
class DavChunkedDiskFull : public SmallDiskTest {
 protected:
  void SetUp() override {
    start_on_small_disk(true);
    if (IsSkipped()) return;
    create_user(*server_, "alice");
  }
  fs::path home() const { return server_->data_dir() / "home" / "alice"; }
};

TEST_F(DavChunkedDiskFull, AChunkedPutThatRunsOutOfSpaceGets507AndKeepsTheOldFile) {
  std::string v1 = random_bytes(1 << 20, 1), v2 = random_bytes(6 << 20, 2);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "doc.bin", v1);
  fs::path filler = disk_->root() / "filler";
  ASSERT_GT(disk_->fill(filler), 0u);
  ASSERT_LT(disk_->free_bytes(), v2.size());
  {
    RawConnection connection(server_->http_port());
    // The server stops reading when the disk is full: the rest of the body may not go out.
    connection.send(put_head("doc.bin") + chunked(v2, {(1 << 20) - 5}));
    auto reply = connection.next_reply();
    EXPECT_EQ(reply.status, 507) << reply.body;
    EXPECT_NE(reply.body.find("disk_full"), std::string::npos) << reply.body;
  }
  EXPECT_TRUE(read_file(home() / "doc.bin") == v1);
  EXPECT_TRUE(wait_until([&] { return reserved_entries(home()).empty(); }))
      << "the partial upload was left behind";
  fs::remove(filler);
  RawConnection connection(server_->http_port());
  ASSERT_TRUE(connection.send(put_head("doc.bin") + chunked(v2, {(1 << 20) - 5})));
  EXPECT_EQ(connection.next_reply().status, 200);
  EXPECT_TRUE(read_file(home() / "doc.bin") == v2);
}

}  // namespace
}  // namespace netdisk::e2e
