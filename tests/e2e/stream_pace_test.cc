// The minimum-rate rule for file data against the real netdiskd (server/stream_pace.h): an
// upload or download must average --min-stream-rate (1024 bytes a second by default) or its
// timeout closes it, on the TCP protocol (--idle-timeout) and on HTTP (--http-body-timeout).
// A transfer that is slow but steady outlasts those timeouts and completes; one that trickles
// below the minimum is cut off, keeps what arrived for resuming, and gets nothing but file
// data where file data was promised. The timeouts are shortened to 2 s on the command line.
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/tcp_state.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kShortTimeouts = {
    "--idle-timeout",         "2", "--http-body-timeout", "2",
    "--password-hash-memory", "1", "--password-hash-ops", "1"};
// Far longer than any timeout here, even stretched by a trickle at 40 % of the minimum.
constexpr auto kGiveUp = 30s;

std::filesystem::path home_of(const ServerProcess& server, const std::string& user) {
  return server.data_dir() / "home" / user;
}

// Sends `bytes` in pieces of `piece` bytes, `pause` apart, until all are sent or `stop()` says
// to stop (it is asked after every piece). Returns how many bytes were sent.
template <class Stop>
std::size_t send_paced(int fd, std::string_view bytes, std::size_t piece,
                       std::chrono::milliseconds pause, Stop stop) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = std::min(piece, bytes.size() - sent);
    if (::send(fd, bytes.data() + sent, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n)) break;
    sent += n;
    if (stop()) break;
    std::this_thread::sleep_for(pause);
  }
  return sent;
}

// Reads the reply to an upload.data that sent the last bytes: done, and `file` holds `data`.
void expect_upload_done(client::WireConnection& connection, const std::filesystem::path& file,
                        const std::string& data) {
  auto done = connection.receive();
  ASSERT_TRUE(done.has_value()) << "the server closed the connection instead of answering";
  ASSERT_TRUE(done->ok) << done->error_code_name << ": "
                        << (done->error ? done->error->message : "");
  EXPECT_EQ(done->body["done"], true);
  EXPECT_TRUE(read_file(file) == data) << "the stored file differs from what was sent";
}

TEST(StreamPace, AnUploadSlowerThanTheMinimumIsCutOffWithTimeoutAndResumesFromWhatArrived) {
  ServerProcess server(kShortTimeouts);
  create_user(server, "alice");
  auto data = random_bytes(64 * 1024, 1);
  auto connection = logged_in(server, "alice");
  auto started = connection.call(
      "upload", {{"path", "slow.bin"}, {"size", data.size()}, {"checksum", xxh3(data)}});
  ASSERT_TRUE(started.ok);
  connection.send("upload.data", {{"stream", data.size()}});
  // 40 bytes every 100 ms: 400 bytes a second, well under the 1024 minimum.
  std::optional<protocol::Reply> answer;
  auto give_up = Clock::now() + kGiveUp;
  std::size_t sent = send_paced(connection.fd(), data, 40, 0ms, [&] {
    pollfd readable{connection.fd(), POLLIN, 0};
    if (::poll(&readable, 1, 100) > 0) answer = connection.receive();
    return answer.has_value() || Clock::now() > give_up;
  });
  ASSERT_TRUE(answer.has_value()) << "still open after " << sent << " bytes";
  EXPECT_FALSE(answer->ok);
  EXPECT_EQ(answer->error_code_name, "timeout") << (answer->error ? answer->error->message : "");
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_LT(sent, data.size());

  // What arrived was kept: the same upload resumes from it and completes intact.
  auto again = logged_in(server, "alice");
  auto resumed =
      again.call("upload", {{"path", "slow.bin"}, {"size", data.size()}, {"checksum", xxh3(data)}});
  ASSERT_TRUE(resumed.ok) << resumed.error_code_name;
  std::uint64_t offset = resumed.body["offset"];
  EXPECT_GT(offset, 0u);
  EXPECT_LE(offset, sent);
  again.send("upload.data", {{"stream", data.size() - offset}});
  again.send_raw(std::string_view(data).substr(offset));
  expect_upload_done(again, home_of(server, "alice") / "slow.bin", data);
}

TEST(StreamPace, AnUploadSlowButAboveTheMinimumOutlastsTheIdleTimeoutAndCompletes) {
  ServerProcess server(kShortTimeouts);
  create_user(server, "alice");
  auto data = random_bytes(48 * 1024, 2);
  auto connection = logged_in(server, "alice");
  ASSERT_TRUE(connection.call("upload", {{"path", "steady.bin"}, {"size", data.size()}}).ok);
  connection.send("upload.data", {{"stream", data.size()}});
  // 800 bytes every 100 ms: just under 8 KiB a second, six seconds in all, three times the idle
  // timeout.
  auto sent = send_paced(connection.fd(), data, 800, 100ms, [] { return false; });
  ASSERT_EQ(sent, data.size());
  expect_upload_done(connection, home_of(server, "alice") / "steady.bin", data);
}

TEST(StreamPace, ADownloadCutOffMidwayLeavesTheClientAnExactPrefixAndNothingElse) {
  ServerProcess server(kShortTimeouts);
  create_user(server, "alice");
  // Far more than the socket buffers on both ends hold, so the server must wait for the reader.
  auto data = random_bytes(48 * 1024 * 1024, 3);
  {
    auto uploader = logged_in(server, "alice");
    ASSERT_TRUE(upload(uploader, "big.bin", data).ok);
  }
  auto connection = logged_in(server, "alice");
  auto reply = connection.call("download", {{"path", "big.bin"}});
  ASSERT_TRUE(reply.ok);
  ASSERT_EQ(reply.body["stream"], data.size());
  // Stop reading: after the idle timeout the server gives up on the stream and closes its
  // end, which its socket's state shows while the FIN still waits behind our unread bytes.
  ASSERT_FALSE(server_end_closed(connection.fd()));
  ASSERT_TRUE(wait_until([&] { return server_end_closed(connection.fd()); }, kGiveUp, 50ms))
      << "the server kept a stalled download open";
  std::string received;
  EXPECT_THROW(connection.receive_stream(data.size(),
                                         [&](std::span<const char> piece) {
                                           received.append(piece.data(), piece.size());
                                         }),
               std::runtime_error);
  ASSERT_LT(received.size(), data.size());
  EXPECT_GT(received.size(), 0u);
  // Not one byte of an error frame after the file data: the client may resume from here.
  EXPECT_TRUE(std::string_view(data).starts_with(received))
      << "the " << received.size() << " bytes received are not the file's first bytes";
}

struct PutOutcome {
  std::string status;    // the status line, "" when the server closed without one
  std::size_t sent = 0;  // body bytes sent before the server stopped taking them
};

// An HTTP PUT of `data` to /files/`name` as alice, its body sent in `piece`-byte pieces `pause`
// apart.
PutOutcome put_paced(const ServerProcess& server, const std::string& name, std::string_view data,
                     std::size_t piece, std::chrono::milliseconds pause) {
  int fd = connect_loopback(server.http_port());
  if (fd < 0) throw std::runtime_error("cannot connect to the HTTP port");
  std::string head = "PUT /files/" + name +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Basic YWxpY2U6cGFzc3dvcmQx\r\n"  // alice:password1
                     "Content-Length: " +
                     std::to_string(data.size()) + "\r\n\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  PutOutcome outcome;
  auto give_up = Clock::now() + kGiveUp;
  outcome.sent = send_paced(fd, data, piece, pause, [&] { return Clock::now() > give_up; });
  std::string answer;
  char buffer[4096];
  timeval wait{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  while (answer.find("\r\n") == std::string::npos) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  outcome.status = answer.substr(0, answer.find("\r\n"));
  return outcome;
}

TEST(StreamPace, AnHttpUploadSlowButAboveTheMinimumOutlastsTheBodyTimeoutAndCompletes) {
  ServerProcess server(ServerProcess::WithHttp{}, kShortTimeouts);
  create_user(server, "alice");
  auto data = random_bytes(48 * 1024, 4);
  // Just under 8 KiB a second (800 bytes every 100 ms) for six seconds, three times the body
  // timeout.
  auto put = put_paced(server, "steady.bin", data, 800, 100ms);
  EXPECT_EQ(put.sent, data.size());
  EXPECT_EQ(put.status, "HTTP/1.1 201 Created");
  EXPECT_TRUE(read_file(home_of(server, "alice") / "steady.bin") == data)
      << "the stored file differs from what was sent";
}

TEST(StreamPace, AnHttpUploadTrickledUnderTheMinimumIsCutOffAndLeavesNoFile) {
  ServerProcess server(ServerProcess::WithHttp{}, kShortTimeouts);
  create_user(server, "alice");
  auto data = random_bytes(64 * 1024, 5);
  // 40 bytes every 100 ms: 400 bytes a second. The server closes without a status line.
  auto put = put_paced(server, "trickle.bin", data, 40, 100ms);
  EXPECT_LT(put.sent, data.size());
  EXPECT_EQ(put.status, "");
  EXPECT_FALSE(std::filesystem::exists(home_of(server, "alice") / "trickle.bin"));
  EXPECT_TRUE(reserved_entries(home_of(server, "alice")).empty());
  // The server still serves.
  EXPECT_EQ(put_paced(server, "after.bin", "fine", 4, 0ms).status, "HTTP/1.1 201 Created");
}

}  // namespace
}  // namespace netdisk::e2e
