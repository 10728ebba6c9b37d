// End-to-end tests of HTTP file bodies (docs/HTTP.md, "Downloads"): sendfile(2) on plain TCP,
// proven with strace, byte-exact bodies for whole files, ranges and multipart/byteranges,
// keep-alive after a body, and a client that leaves in the middle of one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

// The bytes all sendfile(2) calls in an `strace -f -e trace=sendfile` log moved.
std::uint64_t sendfile_bytes(const std::string& trace) {
  std::regex call("sendfile.*= (\\d+)\\s*$");
  std::uint64_t total = 0;
  std::size_t start = 0;
  while (start < trace.size()) {
    auto end = trace.find('\n', start);
    if (end == std::string::npos) end = trace.size();
    std::string line = trace.substr(start, end - start);
    std::smatch match;
    if (std::regex_search(line, match, call)) total += std::stoull(match[1].str());
    start = end + 1;
  }
  return total;
}

struct Part {
  std::string content_type;
  std::string content_range;
  std::string data;
};

// Splits a multipart/byteranges body at `boundary` (RFC 2046), strictly: every delimiter, part
// header and the closing delimiter must be where the format says.
std::vector<Part> parse_multipart(const std::string& body, const std::string& boundary) {
  std::vector<Part> parts;
  std::string delimiter = "\r\n--" + boundary;
  std::size_t at = body.find(delimiter);
  EXPECT_EQ(at, 0u) << "no preamble expected";
  while (at != std::string::npos) {
    at += delimiter.size();
    if (body.compare(at, 4, "--\r\n") == 0) {
      EXPECT_EQ(at + 4, body.size()) << "bytes after the closing delimiter";
      return parts;
    }
    auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string::npos) break;
    Part part;
    std::string headers = body.substr(at, headers_end + 2 - at);
    std::smatch match;
    if (std::regex_search(headers, match, std::regex("Content-Type: ([^\\r]*)\\r\\n"))) {
      part.content_type = match[1].str();
    }
    if (std::regex_search(headers, match, std::regex("Content-Range: ([^\\r]*)\\r\\n"))) {
      part.content_range = match[1].str();
    }
    auto data_start = headers_end + 4;
    auto next = body.find(delimiter, data_start);
    if (next == std::string::npos) break;
    part.data = body.substr(data_start, next - data_start);
    parts.push_back(part);
    at = next;
  }
  ADD_FAILURE() << "the multipart body is not closed";
  return parts;
}

std::string boundary_of(const std::string& content_type) {
  std::smatch match;
  std::regex pattern("^multipart/byteranges; boundary=(\\S+)$");
  return std::regex_search(content_type, match, pattern) ? match[1].str() : std::string();
}

class HttpBodyTest : public HttpTest {
 protected:
  // Restarts the server under strace, tracing sendfile(2) in every thread.
  void start_traced(std::vector<std::string> extra = {}) {
    trace_ = fs::temp_directory_path() / ("netdisk-sendfile-" + std::to_string(::getpid()));
    start(std::move(extra),
          {"/usr/bin/strace", "-f", "-qq", "-e", "trace=sendfile", "-o", trace_.string()});
  }
  // Stops the server, so strace has written everything, and returns the bytes sendfile moved.
  std::uint64_t stop_and_count_sendfile_bytes() {
    server_->stop();
    auto bytes = sendfile_bytes(read_file(trace_));
    fs::remove(trace_);
    return bytes;
  }
  fs::path trace_;
};

TEST_F(HttpBodyTest, FileBodiesOnPlainHttpGoThroughSendfile) {
  start_traced();
  auto data = random_bytes(3 << 20, 21);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "big.bin", data);
  std::string auth = "-u alice:password1 ";
  auto whole = curl(auth + url("/files/big.bin"));
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, data);
  auto range = curl(auth + "-r 1000-2999 " + url("/files/big.bin"));
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, data.substr(1000, 2000));
  auto head = curl(auth + "-I " + url("/files/big.bin"));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(data.size()));
  // Exactly the bodies' bytes went through sendfile: nothing was read into user space.
  EXPECT_EQ(stop_and_count_sendfile_bytes(), data.size() + 2000);
}

TEST_F(HttpBodyTest, BufferedSendModeKeepsFileBodiesOffSendfile) {
  start_traced({"--send-mode", "buffered"});
  auto data = random_bytes(1 << 20, 22);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "big.bin", data);
  auto whole = curl("-u alice:password1 " + url("/files/big.bin"));
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, data);
  EXPECT_EQ(stop_and_count_sendfile_bytes(), 0u);
}

TEST_F(HttpBodyTest, SeveralRangesAnswerAMultipartByterangesBody) {
  auto data = random_bytes(1000, 23);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "m.bin", data);
  auto reply = curl("-u alice:password1 -r 0-9,20-29,990- " + url("/files/m.bin"));
  ASSERT_EQ(reply.status, 206);
  EXPECT_EQ(reply.header("Content-Length"), std::to_string(reply.body.size()));
  EXPECT_TRUE(reply.header("Content-Range").empty());
  auto boundary = boundary_of(reply.header("Content-Type"));
  ASSERT_FALSE(boundary.empty()) << reply.header("Content-Type");
  auto parts = parse_multipart(reply.body, boundary);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].content_range, "bytes 0-9/1000");
  EXPECT_EQ(parts[0].data, data.substr(0, 10));
  EXPECT_EQ(parts[1].content_range, "bytes 20-29/1000");
  EXPECT_EQ(parts[1].data, data.substr(20, 10));
  EXPECT_EQ(parts[2].content_range, "bytes 990-999/1000");
  EXPECT_EQ(parts[2].data, data.substr(990));
  for (const auto& part : parts) EXPECT_EQ(part.content_type, "application/octet-stream");
}

TEST_F(HttpBodyTest, OverlappingRangesAreCoalescedAndUnsatisfiableOnesDropped) {
  auto data = random_bytes(1000, 24);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "m.bin", data);
  std::string auth = "-u alice:password1 ";
  // Overlapping and adjacent ranges, out of order, merge into one plain 206.
  auto merged = curl(auth + "-r 50-99,0-9,5-49 " + url("/files/m.bin"));
  EXPECT_EQ(merged.status, 206);
  EXPECT_EQ(merged.header("Content-Range"), "bytes 0-99/1000");
  EXPECT_EQ(merged.body, data.substr(0, 100));
  // A range past the end is dropped; the rest is served.
  auto partly = curl(auth + "-r 5000-6000,10-19,30-39 " + url("/files/m.bin"));
  EXPECT_EQ(partly.status, 206);
  auto parts = parse_multipart(partly.body, boundary_of(partly.header("Content-Type")));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].data, data.substr(30, 10));
  // None satisfiable: 416.
  auto none = curl(auth + "-r 5000-6000,7000- " + url("/files/m.bin"));
  EXPECT_EQ(none.status, 416);
  EXPECT_EQ(none.header("Content-Range"), "bytes */1000");
}

TEST_F(HttpBodyTest, TheConnectionStaysUsableAfterASendfileBody) {
  auto data = random_bytes(1 << 20, 25);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.bin", data);
  auto both = run_shell("cd '" + work_.string() + "' && curl -sS -v -u alice:password1 -o one " +
                        url("/files/a.bin") + " --next -u alice:password1 -o two -r 0-99,200-299 " +
                        url("/files/a.bin") + " 2>&1");
  EXPECT_NE(both.out.find("Re-using existing connection"), std::string::npos) << both.out;
  EXPECT_EQ(read_file(work_ / "one"), data);
  EXPECT_NE(read_file(work_ / "two").find(data.substr(200, 100)), std::string::npos);
}

TEST_F(HttpBodyTest, AClientLeavingMidBodyDoesNotHurtTheServer) {
  auto data = random_bytes(16 << 20, 26);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "huge.bin", data);
  int fd = connect_loopback(server_->http_port(), /*receive_buffer=*/4096);
  ASSERT_GE(fd, 0);
  std::string request =
      "GET /files/huge.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
      "YWxpY2U6cGFzc3dvcmQx\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  char some[1000];
  ASSERT_GT(::recv(fd, some, sizeof some, MSG_WAITALL), 0);
  ::close(fd);  // unread bytes: the kernel answers the server's next sends with a reset
  // The server is still there and serves the next download whole.
  auto again = curl("-u alice:password1 -r 0-999 " + url("/files/huge.bin"));
  EXPECT_EQ(again.status, 206);
  EXPECT_EQ(again.body, data.substr(0, 1000));
  EXPECT_TRUE(server_->running());
  EXPECT_EQ(server_->stop(), 0);
}

}  // namespace
}  // namespace netdisk::e2e
