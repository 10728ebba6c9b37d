#include "tests/e2e/http_fixture.h"

#include <regex>

#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {

using namespace std::chrono_literals;
using client::WireConnection;
namespace fs = std::filesystem;

void tcp_upload(WireConnection& connection, const std::string& path, const std::string& data) {
  auto done = upload(connection, path, data, /*with_checksum=*/false);
  ASSERT_TRUE(done.ok) << done.error->message;
}

std::string tcp_download(WireConnection& connection, const std::string& path) {
  auto got = download(connection, path);
  if (!got.reply.ok) throw std::runtime_error("download failed: " + got.reply.error->message);
  return got.bytes;
}

std::string Http::header(const std::string& name) const { return header_value(headers, name); }

void HttpTest::start(std::vector<std::string> extra, std::vector<std::string> wrapper) {
  std::vector<std::string> args{"--password-hash-memory", "1", "--password-hash-ops", "1",
                                "--http-header-timeout",  "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  server_.reset();
  server_ = std::make_unique<ServerProcess>(ServerProcess::WithHttp{}, std::move(args),
                                            std::move(wrapper));
  for (const char* user : {"alice", "bob"}) create_user(*server_, user);
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
