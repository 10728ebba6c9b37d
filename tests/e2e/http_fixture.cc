#include "tests/e2e/http_fixture.h"

#include <fstream>
#include <iterator>
#include <random>
#include <regex>

#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {

using namespace std::chrono_literals;
using client::WireConnection;
namespace fs = std::filesystem;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937_64 random(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(random());
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

WireConnection tcp_session(const ServerProcess& server, const std::string& user) {
  WireConnection connection(server.port());
  connection.hello();
  auto login = connection.call("login", {{"username", user}, {"password", "password1"}});
  if (!login.ok) throw std::runtime_error("login failed: " + login.error->message);
  return connection;
}

void tcp_upload(WireConnection& connection, const std::string& path, const std::string& data) {
  auto started = connection.call("upload", {{"path", path}, {"size", data.size()}});
  ASSERT_TRUE(started.ok) << started.error->message;
  connection.send("upload.data", {{"stream", data.size()}});
  connection.send_raw(data);
  auto done = connection.receive();
  ASSERT_TRUE(done && done->ok);
}

std::string tcp_download(WireConnection& connection, const std::string& path) {
  auto reply = connection.call("download", {{"path", path}});
  if (!reply.ok) throw std::runtime_error("download failed: " + reply.error->message);
  return connection.receive_raw(reply.body["stream"].get<std::uint64_t>(), 60s);
}

std::string Http::header(const std::string& name) const {
  std::regex pattern("\\r?\\n" + name + ":\\s*([^\\r\\n]*)", std::regex::icase);
  std::smatch match;
  return std::regex_search(headers, match, pattern) ? match[1].str() : std::string();
}

void HttpTest::start(std::vector<std::string> extra, std::vector<std::string> wrapper) {
  std::vector<std::string> args{"--password-hash-memory", "1", "--password-hash-ops", "1",
                                "--http-header-timeout",  "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  server_.reset();
  server_ = std::make_unique<ServerProcess>(ServerProcess::WithHttp{}, std::move(args),
                                            std::move(wrapper));
  for (const char* user : {"alice", "bob"}) {
    WireConnection connection(server_->port());
    connection.hello();
    auto reply = connection.call("register", {{"username", user}, {"password", "password1"}});
    ASSERT_TRUE(reply.ok);
  }
  work_ = server_->work_dir();
}

std::string HttpTest::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(server_->http_port()) + path;
}

Http HttpTest::curl(const std::string& args) {
  fs::path headers = work_ / "headers.txt", body = work_ / "body.bin";
  fs::remove(headers);
  fs::remove(body);
  auto result = run_shell("curl -sS --max-time 20 -D '" + headers.string() + "' -o '" +
                          body.string() + "' " + args);
  Http out;
  out.headers = read_file(headers);
  out.body = read_file(body);
  // With a 100 Continue first, the final status line is the last one.
  std::regex status_line("HTTP/1\\.[01] (\\d{3})");
  for (std::sregex_iterator it(out.headers.begin(), out.headers.end(), status_line), end; it != end;
       ++it) {
    out.status = std::stoi((*it)[1].str());
  }
  return out;
}

}  // namespace netdisk::e2e
