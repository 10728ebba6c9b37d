// Small downloads (issue #17, 4 KiB downloads against nginx): a file of a few KiB leaves in one
// write with its reply (TCP) or its headers (HTTP), with no sendfile(2) after it, and a file
// whose path the kernel has cached is opened on the connection's I/O thread, with no hop to
// the blocking pool. Proved from strace's log of the server's system calls (which thread made
// each, on which socket), never from timings; the bytes themselves are checked too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

// One line of `strace -f -yy`: the thread, the system call, the whole line, what it returned.
struct Call {
  long tid = 0;
  std::string name;
  std::string line;
  long long result = -1;
};

std::vector<Call> parse_trace(const std::string& trace) {
  static const std::regex shape(R"(^(\d+)\s+(\w+)\(.*\)\s+=\s+(-?\d+).*$)");
  std::vector<Call> calls;
  std::size_t start = 0;
  while (start < trace.size()) {
    auto end = trace.find('\n', start);
    if (end == std::string::npos) end = trace.size();
    std::string line = trace.substr(start, end - start);
    std::smatch match;
    if (std::regex_match(line, match, shape)) {
      calls.push_back({std::stol(match[1].str()), match[2].str(), line,
                       std::stoll(match[3].str())});
    }
    start = end + 1;
  }
  return calls;
}

bool is_write(const Call& call) {
  return call.name == "write" || call.name == "writev" || call.name == "sendto" ||
         call.name == "sendmsg";
}

class SmallDownload : public HttpTest {
 protected:
  void SetUp() override {
    trace_ = fs::temp_directory_path() / ("netdisk-small-" + std::to_string(::getpid()));
    // -yy names each descriptor (the socket's addresses, the file's path).
    start({}, {"/usr/bin/strace", "-f", "-qq", "-yy", "-e",
               "trace=openat2,sendfile,write,writev,sendto,sendmsg", "-o", trace_.string()});
  }
  void TearDown() override { fs::remove(trace_); }

  // Stops the server, so strace has written everything, and returns its calls.
  std::vector<Call> stop_and_trace() {
    server_->stop();
    return parse_trace(read_file(trace_));
  }

  // Calls on the server's end of connections to `port`.
  static std::vector<Call> on_port(const std::vector<Call>& calls, std::uint16_t port) {
    std::string local = "127.0.0.1:" + std::to_string(port) + "->";
    std::vector<Call> found;
    for (const auto& call : calls) {
      if (call.line.find(local) != std::string::npos) found.push_back(call);
    }
    return found;
  }

  // The opens of `name` that succeeded, in order (O_PATH probe and O_RDONLY open alike).
  static std::vector<Call> opens_of(const std::vector<Call>& calls, const std::string& name) {
    std::vector<Call> found;
    for (const auto& call : calls) {
      if (call.name == "openat2" && call.result >= 0 &&
          call.line.find("\"" + name + "\"") != std::string::npos) {
        found.push_back(call);
      }
    }
    return found;
  }

  fs::path trace_;
};

TEST_F(SmallDownload, AFourKibFileOverHttpLeavesWithItsHeadersInOneWrite) {
  auto data = random_bytes(4096, 41);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "small.bin", data);
  for (int i = 0; i < 3; ++i) {
    auto got = curl("-u alice:password1 " + url("/files/small.bin"));
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.body, data);
    EXPECT_EQ(got.header("Content-Length"), "4096");
  }
  auto calls = on_port(stop_and_trace(), server_->http_port());
  int writes = 0;
  for (const auto& call : calls) {
    EXPECT_NE(call.name, "sendfile") << call.line;
    if (is_write(call)) {
      ++writes;
      EXPECT_GT(call.result, 4096) << "headers and body in one call: " << call.line;
    }
  }
  EXPECT_EQ(writes, 3) << "one write per response";
}

TEST_F(SmallDownload, AKeepAliveHttpClientsNextFileIsOpenedOnTheIoThread) {
  auto data = random_bytes(4096, 42);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "a.bin", data);
  tcp_upload(alice, "b.bin", data);
  // One connection, two requests: the first opens alice's space on the blocking pool.
  auto both = run_shell("curl -sS -o /dev/null -u alice:password1 " + url("/files/a.bin") +
                        " --next -sS -o /dev/null -u alice:password1 " + url("/files/b.bin"));
  ASSERT_EQ(both.exit_code, 0) << both.out;
  auto calls = stop_and_trace();
  auto http = on_port(calls, server_->http_port());
  ASSERT_FALSE(http.empty());
  long io_thread = http.back().tid;  // the thread that wrote b.bin's response
  auto opens = opens_of(calls, "b.bin");
  ASSERT_FALSE(opens.empty()) << "b.bin was never opened";
  for (const auto& open : opens) {
    EXPECT_EQ(open.tid, io_thread) << "opened on another thread than the connection's: "
                                   << open.line;
  }
}

TEST_F(SmallDownload, AKeepAliveConnectionNeverServesOneUsersFilesToAnother) {
  // Each I/O thread keeps the last user's storage space a moment, for that user only.
  auto alice = logged_in(*server_, "alice");
  auto bob = logged_in(*server_, "bob");
  tcp_upload(alice, "mine.bin", "alice's bytes");
  tcp_upload(bob, "his.bin", "bob's bytes");
  std::string as_alice = " -sS -w '%{http_code}\\n' -o /dev/null -u alice:password1 ";
  std::string as_bob = " -sS -w '%{http_code}\\n' -o /dev/null -u bob:password1 ";
  auto codes = run_shell("curl -v" + as_alice + url("/files/mine.bin") + " --next" + as_bob +
                         url("/files/mine.bin") + " --next" + as_bob + url("/files/his.bin") +
                         " --next" + as_alice + url("/files/his.bin") + " 2>&1");
  EXPECT_NE(codes.out.find("Re-using existing connection"), std::string::npos) << codes.out;
  std::vector<std::string> statuses;
  std::regex code_line(R"((?:^|\n)(\d{3})(?=\n|$))");
  for (std::sregex_iterator it(codes.out.begin(), codes.out.end(), code_line), end; it != end;
       ++it) {
    statuses.push_back((*it)[1].str());
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"200", "404", "200", "404"})) << codes.out;
}

TEST_F(SmallDownload, ATcpDownloadsReplyAndBytesLeaveInOneWriteFromTheIoThread) {
  auto data = random_bytes(4096, 43);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "small.bin", data);
  // The upload opened alice's space for this connection: the downloads need no pool.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(tcp_download(alice, "small.bin"), data);
  auto calls = stop_and_trace();
  auto tcp = on_port(calls, server_->port());
  std::vector<Call> carrying;  // writes that carried a download's 4 KiB
  for (const auto& call : tcp) {
    EXPECT_NE(call.name, "sendfile") << call.line;
    if (is_write(call) && call.result > 4096) carrying.push_back(call);
  }
  ASSERT_EQ(carrying.size(), 3u) << "reply frame and bytes in one call, per download";
  auto opens = opens_of(calls, "small.bin");
  ASSERT_FALSE(opens.empty());
  for (const auto& open : opens) {
    EXPECT_EQ(open.tid, carrying.front().tid) << "opened off the I/O thread: " << open.line;
  }
}

}  // namespace
}  // namespace netdisk::e2e
