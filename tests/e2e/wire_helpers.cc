#include "tests/e2e/wire_helpers.h"

#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "storage/checksum.h"
#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {

namespace fs = std::filesystem;
using json = nlohmann::json;
using client::WireConnection;

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(random());
  return out;
}

std::string xxh3(std::string_view bytes) {
  storage::Xxh3Hasher hasher;
  hasher.update(std::as_bytes(std::span(bytes.data(), bytes.size())));
  return hasher.hex_digest();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void create_user(const ServerProcess& server, const std::string& user) {
  WireConnection connection(server.port());
  connection.hello();
  auto reply = connection.call("register", {{"username", user}, {"password", kTestPassword}});
  if (!reply.ok) throw std::runtime_error("register failed: " + reply.error->message);
}

WireConnection session(const ServerProcess& server, const std::string& user) {
  WireConnection connection(server.port());
  connection.hello();
  auto login = connection.call("login", {{"username", user}, {"password", kTestPassword}});
  if (!login.ok) throw std::runtime_error("login failed: " + login.error->message);
  return connection;
}

protocol::Reply upload(WireConnection& connection, const std::string& path,
                       const std::string& data, bool with_checksum) {
  json announce = {{"path", path}, {"size", data.size()}};
  if (with_checksum) announce["checksum"] = xxh3(data);
  auto started = connection.call("upload", announce);
  if (!started.ok) return started;
  std::uint64_t offset = started.body["offset"];
  connection.send("upload.data", {{"stream", data.size() - offset}});
  connection.send_raw(std::string_view(data).substr(offset));
  return *connection.receive();
}

Downloaded download(WireConnection& connection, const std::string& path, json extra) {
  extra["path"] = path;
  auto reply = connection.call("download", extra);
  Downloaded out{reply, {}};
  if (reply.ok) {
    out.bytes = connection.receive_raw(reply.body["stream"].get<std::uint64_t>(),
                                       std::chrono::seconds(60));
  }
  return out;
}

std::set<std::string> workbook_users(const fs::path& workbook) {
  auto result = run_shell("python3 '" + std::string(NETDISK_SOURCE_DIR) +
                          "/tests/e2e/list_workbook_users.py' '" + workbook.string() + "'");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> names;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) names.insert(line);
  return names;
}

std::vector<std::string> reserved_entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".netdisk-")) names.push_back(name);
  }
  return names;
}

}  // namespace netdisk::e2e
