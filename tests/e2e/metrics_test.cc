// End-to-end tests of the telemetry (issue #21) against the real netdiskd: /metrics parsed by
// the Prometheus text parser of python3-prometheus-client (scrape_metrics.py) and its
// counters moved by real uploads, downloads, a failed login, a chat message and a connection
// by every transport; --metrics HOST:PORT; /healthz through a shutdown grace; and the one op
// log line per operation in the server's stderr.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/wait_until.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One scrape, as the parser read it.
struct Scrape {
  std::string content_type;
  nlohmann::json samples;  // [[name, {labels}, value], ...]
  nlohmann::json types;    // family name -> type

  // The sample `name` with exactly `labels`; 0 when there is none (a counter not yet moved).
  double value(const std::string& name, const nlohmann::json& labels = nlohmann::json::object()) const {
    for (const auto& sample : samples) {
      if (sample[0] == name && sample[1] == labels && sample[2].is_number()) return sample[2];
    }
    return 0;
  }
  bool has(const std::string& name) const {
    for (const auto& sample : samples) {
      if (sample[0] == name) return true;
    }
    return false;
  }
  // The value of label `key` on the first sample `name`; empty when there is none.
  std::string label_of(const std::string& name, const std::string& key) const {
    for (const auto& sample : samples) {
      if (sample[0] == name && sample[1].contains(key)) return sample[1][key];
    }
    return {};
  }
  // Whether any label value holds `text` (a user's name or a path must never be one).
  bool any_label_contains(const std::string& text) const {
    for (const auto& sample : samples) {
      for (const auto& [key, label] : sample[1].items()) {
        if (label.get<std::string>().find(text) != std::string::npos) return true;
      }
    }
    return false;
  }
};

// Scrapes http://127.0.0.1:port/metrics with the real parser; fails the test on a refusal.
Scrape scrape(std::uint16_t port) {
  auto run = run_shell("/usr/bin/python3 " NETDISK_SOURCE_DIR "/tests/e2e/scrape_metrics.py "
                       "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  Scrape out;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  if (run.exit_code != 0) return out;
  auto parsed = nlohmann::json::parse(run.out);
  out.content_type = parsed["content_type"];
  out.samples = parsed["samples"];
  out.types = parsed["types"];
  return out;
}

// The status code of GET http://127.0.0.1:port/path (curl), 0 when nothing answered.
int http_status(std::uint16_t port, const std::string& path) {
  auto run = run_shell("curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1:" +
                       std::to_string(port) + path);
  return run.out.empty() ? 0 : std::stoi(run.out);
}

std::uint16_t read_port(const fs::path& file) {
  unsigned port = 0;
  std::ifstream(file) >> port;
  return static_cast<std::uint16_t>(port);
}

// A WebSocket chat connection, opened with a raw handshake (alice's Basic credentials).
class RawWebSocket {
 public:
  explicit RawWebSocket(std::uint16_t http_port) : fd_(connect_loopback(http_port)) {
    std::string request =
        "GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Authorization: Basic YWxpY2U6cGFzc3dvcmQx\r\n\r\n";  // alice:password1
    ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
    char buffer[1024];
    while (head_.find("\r\n\r\n") == std::string::npos) {
      auto n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      head_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ~RawWebSocket() { ::close(fd_); }
  RawWebSocket(const RawWebSocket&) = delete;
  RawWebSocket& operator=(const RawWebSocket&) = delete;
  bool upgraded() const { return head_.rfind("HTTP/1.1 101", 0) == 0; }

 private:
  int fd_;
  std::string head_;
};

class Metrics : public HttpTest {
 protected:
  void SetUp() override {
    https_port_file_ = fs::temp_directory_path() /
                       ("netdisk-metrics-https-" + std::to_string(::getpid()));
    fs::remove(https_port_file_);
    start({"--https", "127.0.0.1:0", "--https-port-file", https_port_file_.string()});
    https_port_ = read_port(https_port_file_);
    ASSERT_NE(https_port_, 0u) << server_->log();
  }
  void TearDown() override { fs::remove(https_port_file_); }
  fs::path home(const std::string& user) const { return server_->data_dir() / "home" / user; }

  fs::path https_port_file_;
  std::uint16_t https_port_ = 0;
};

TEST_F(Metrics, CountersMoveAfterTransfersAFailedLoginAChatMessageAndEveryTransport) {
  auto before = scrape(server_->http_port());
  ASSERT_EQ(before.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string secret_name = "quarterly-secret-report.bin";
  const std::string data = random_bytes(300000, 21);

  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, secret_name, data);
  ASSERT_EQ(tcp_download(alice, secret_name), data);
  auto stranger = greeted(*server_);
  ASSERT_FALSE(stranger.call("login", {{"username", "alice"}, {"password", "not-hers"}}).ok);
  ASSERT_TRUE(alice.call("chat.join").ok);
  ASSERT_TRUE(alice.call("chat.send", {{"text", "hello, room"}}).ok);
  auto fetched = curl("-u alice:password1 " + url("/files/" + secret_name));
  ASSERT_EQ(fetched.status, 200);
  ASSERT_EQ(fetched.body.size(), data.size());
  auto secure = run_shell("curl -sk --max-time 10 https://127.0.0.1:" +
                          std::to_string(https_port_) + "/healthz");
  ASSERT_EQ(secure.out, "ok\n");
  RawWebSocket socket(server_->http_port());
  ASSERT_TRUE(socket.upgraded());
  // A partial upload held: half of an upload still arriving (the server writes in chunks of
  // 1 MiB, so half of 4 MiB reaches the disk).
  const std::string half = random_bytes(4 << 20, 22);
  auto cut = logged_in(*server_, "bob");
  ASSERT_TRUE(cut.call("upload", {{"path", "half.bin"}, {"size", half.size()},
                                  {"checksum", xxh3(half)}}).ok);
  cut.send("upload.data", {{"stream", half.size()}});
  cut.send_raw(std::string_view(half).substr(0, 2 << 20));
  ASSERT_TRUE(wait_until([&] { return partial_upload_bytes(home("bob")) > 0; }));

  auto after = scrape(server_->http_port());
  auto moved = [&](const std::string& name, const nlohmann::json& labels) {
    return after.value(name, labels) - before.value(name, labels);
  };
  EXPECT_EQ(moved("netdisk_operations_total", {{"op", "upload.data"}, {"result", "ok"}}), 1);
  EXPECT_EQ(moved("netdisk_operations_total", {{"op", "download"}, {"result", "ok"}}), 2);
  EXPECT_EQ(moved("netdisk_operations_total", {{"op", "login"}, {"result", "auth_failed"}}), 1);
  EXPECT_GE(moved("netdisk_received_bytes_total", {{"transport", "tcp"}}), data.size());
  EXPECT_GE(moved("netdisk_sent_bytes_total", {{"transport", "tcp"}}), data.size());
  EXPECT_GE(moved("netdisk_sent_bytes_total", {{"transport", "http"}}), data.size());
  EXPECT_EQ(moved("netdisk_login_failures_total", {{"reason", "wrong_password"}}), 1);
  EXPECT_EQ(moved("netdisk_chat_messages_total", nlohmann::json::object()), 1);
  for (const char* transport : {"tcp", "http", "https", "websocket"}) {
    EXPECT_GE(moved("netdisk_connections_accepted_total", {{"transport", transport}}), 1)
        << transport;
  }
  EXPECT_GE(after.value("netdisk_connections_open", {{"transport", "websocket"}}), 1);
  EXPECT_EQ(moved("netdisk_operation_duration_seconds_count", {{"op", "download"}}), 2);
  EXPECT_EQ(moved("netdisk_transfer_duration_seconds_count", {{"direction", "out"}}), 2);
  EXPECT_GE(moved("netdisk_transfer_duration_seconds_count", {{"direction", "in"}}), 1);
  EXPECT_EQ(after.value("netdisk_operation_duration_seconds_bucket",
                        {{"op", "download"}, {"le", "+Inf"}}),
            after.value("netdisk_operation_duration_seconds_count", {{"op", "download"}}));
  EXPECT_EQ(after.types["netdisk_operation_duration_seconds"], "histogram");
  EXPECT_EQ(after.value("netdisk_users_registered"), 2);
  EXPECT_EQ(after.value("netdisk_chat_members"), 1);  // alice, on TCP and the WebSocket
  EXPECT_GE(after.value("netdisk_partial_uploads"), 1);
  EXPECT_GE(after.value("netdisk_partial_upload_bytes"), 1);
  EXPECT_GE(after.value("netdisk_disk_used_bytes"), data.size());
  EXPECT_GT(after.value("netdisk_disk_free_bytes"), 0);
  EXPECT_GT(after.value("process_resident_memory_bytes"), 0);
  EXPECT_GT(after.value("process_open_fds"), 0);
  EXPECT_GT(after.value("process_start_time_seconds"), 1.7e9);
  EXPECT_TRUE(after.has("process_cpu_seconds_total"));
  EXPECT_EQ(after.value("netdisk_build_info", {{"version", after.label_of("netdisk_build_info",
                                                                          "version")}}),
            1);
  EXPECT_FALSE(after.label_of("netdisk_build_info", "version").empty());
  // Labels come from fixed sets only: no user name and no path.
  EXPECT_FALSE(after.any_label_contains("alice"));
  EXPECT_FALSE(after.any_label_contains("bob"));
  EXPECT_FALSE(after.any_label_contains("quarterly"));
  EXPECT_FALSE(after.any_label_contains("half.bin"));
}

TEST_F(Metrics, HealthzSaysOkAndMetricsAnswersOnTheHttpsListenerToo) {
  EXPECT_EQ(http_status(server_->http_port(), "/healthz"), 200);
  auto secure = run_shell("curl -sk --max-time 10 -o /dev/null -w '%{http_code}' "
                          "https://127.0.0.1:" + std::to_string(https_port_) + "/metrics");
  EXPECT_EQ(secure.out, "200");
}

TEST(MetricsListener, OwnPortServesMetricsAndHealthzAndTheHttpPortServesNoMetrics) {
  auto port_file = fs::temp_directory_path() / ("netdisk-metrics-port-" + std::to_string(::getpid()));
  fs::remove(port_file);
  ServerProcess server(ServerProcess::WithHttp{},
                       {"--metrics", "127.0.0.1:0", "--metrics-port-file", port_file.string()});
  auto port = read_port(port_file);
  fs::remove(port_file);
  ASSERT_NE(port, 0u) << server.log();
  auto own = scrape(port);
  EXPECT_EQ(own.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(own.has("netdisk_connections_open"));
  EXPECT_EQ(http_status(port, "/healthz"), 200);
  EXPECT_EQ(http_status(port, "/files/"), 404);  // nothing but metrics and health here
  auto posted = run_shell("curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "
                          "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  EXPECT_EQ(posted.out, "405");
  auto huge = run_shell("curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'X-Big: " +
                        std::string(9000, 'a') + "' http://127.0.0.1:" + std::to_string(port) +
                        "/metrics");
  EXPECT_EQ(huge.out, "000");  // closed without an answer: over the 8 KiB header limit
  EXPECT_EQ(http_status(server.http_port(), "/metrics"), 404);
  EXPECT_EQ(http_status(server.http_port(), "/healthz"), 200);
}

TEST(MetricsListener, MetricsOffServesNoMetricsAnywhere) {
  ServerProcess server(ServerProcess::WithHttp{}, {"--metrics", "off"});
  EXPECT_EQ(http_status(server.http_port(), "/metrics"), 404);
  EXPECT_EQ(http_status(server.http_port(), "/healthz"), 200);
}

// A load balancer must see the server leave before it stops: a download held open keeps the
// grace period running, and meanwhile /healthz on the metrics listener says 503.
TEST(MetricsListener, HealthzSays503DuringTheShutdownGrace) {
  auto port_file = fs::temp_directory_path() / ("netdisk-health-port-" + std::to_string(::getpid()));
  fs::remove(port_file);
  ServerProcess server({"--metrics", "127.0.0.1:0", "--metrics-port-file", port_file.string(),
                        "--shutdown-grace", "60"});
  auto port = read_port(port_file);
  fs::remove(port_file);
  ASSERT_NE(port, 0u) << server.log();
  create_user(server, "alice");
  const std::string big = random_bytes(64 << 20, 3);
  {
    auto writer = logged_in(server, "alice");
    auto done = upload(writer, "big.bin", big, false);
    ASSERT_TRUE(done.ok);
  }
  // A download nobody reads past its reply: the server's send stalls on the full socket
  // buffers, so the request is still in progress when the signal comes.
  auto reader = logged_in(server, "alice");
  reader.send("download", {{"path", "big.bin"}});
  auto begun = reader.receive();
  ASSERT_TRUE(begun && begun->ok) << server.log();
  EXPECT_EQ(http_status(port, "/healthz"), 200);
  ASSERT_EQ(::kill(server.server_pid(), SIGTERM), 0);
  EXPECT_TRUE(wait_until([&] { return http_status(port, "/healthz") == 503; }))
      << server.log();
}

// The one log line per operation, read from the server's stderr.
TEST_F(Metrics, EachOperationLogsOneLineWithItsFields) {
  auto alice = logged_in(*server_, "alice");
  const std::string data = random_bytes(5000, 8);
  tcp_upload(alice, "we \"odd\" name.txt", data);
  ASSERT_EQ(tcp_download(alice, "we \"odd\" name.txt"), data);
  auto stranger = greeted(*server_);
  ASSERT_FALSE(stranger.call("login", {{"username", "alice"}, {"password", "not-hers"}}).ok);
  auto fetched = curl("-u alice:password1 " + url("/files/we%20%22odd%22%20name.txt"));
  ASSERT_EQ(fetched.status, 200);

  auto lines_matching = [&](const std::string& pattern) {
    std::regex wanted(pattern);
    auto log = server_->log();
    std::size_t count = 0;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
      if (std::regex_search(line, wanted)) ++count;
    }
    return count;
  };
  const std::string path = R"(path="we \\"odd\\" name\.txt")";
  // The line is written once the op ends, which may be just after the client has its reply.
  ASSERT_TRUE(wait_until([&] { return lines_matching(" op=download transport=http ") == 1; }))
      << server_->log();
  EXPECT_EQ(lines_matching(" op=upload\\.data transport=tcp user=alice addr=127\\.0\\.0\\.1 " + path +
                           " bytes_in=5000 bytes_out=0 ms=[0-9]+\\.[0-9]{3} result=ok$"),
            1u)
      << server_->log();
  EXPECT_EQ(lines_matching(" op=download transport=tcp user=alice addr=127\\.0\\.0\\.1 " + path +
                           " bytes_in=0 bytes_out=5000 ms=[0-9.]+ result=ok$"),
            1u);
  EXPECT_EQ(lines_matching(" op=download transport=http user=alice addr=127\\.0\\.0\\.1 " + path +
                           " bytes_in=0 bytes_out=5000 ms=[0-9.]+ result=ok$"),
            1u);
  EXPECT_EQ(lines_matching(" op=login transport=tcp user=- .* result=auth_failed$"), 1u);
  EXPECT_EQ(lines_matching(" op=download "), 2u);
  EXPECT_EQ(lines_matching(" op=upload\\.data "), 1u);
}

// --log-level warn silences the op line (after the service slice's per-component levels,
// op=warn alone does). The harness passes --log-level debug; a shell wrapper turns it to warn.
TEST(OpLog, AWarnLevelSilencesTheOpLine) {
  ServerProcess::Launch launch;
  launch.wrapper = {"/bin/sh", "-c",
                    "for a; do shift; [ \"$a\" = debug ] && a=warn; set -- \"$@\" \"$a\"; done; "
                    "exec \"$@\"",
                    "sh"};
  ServerProcess server(std::move(launch));
  create_user(server, "alice");
  auto alice = logged_in(server, "alice");
  ASSERT_TRUE(alice.call("list", {{"path", ""}}).ok);
  ASSERT_TRUE(alice.call("ping").ok);  // in order after list: list's line would be out by now
  EXPECT_EQ(server.log().find(" op="), std::string::npos) << server.log();
}

}  // namespace
}  // namespace netdisk::e2e
