#include "tests/e2e/helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <span>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "storage/checksum.h"
#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(random());
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<std::string> names_in(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string header_value(const std::string& head, const std::string& name) {
  std::regex pattern("\\r?\\n" + name + ":\\s*([^\\r\\n]*)", std::regex::icase);
  std::smatch match;
  return std::regex_search(head, match, pattern) ? match[1].str() : std::string();
}

std::string xxh3(std::string_view bytes) {
  storage::Xxh3Hasher hasher;
  hasher.update(std::as_bytes(std::span(bytes.data(), bytes.size())));
  return hasher.hex_digest();
}

client::WireConnection greeted(const ServerProcess& server) {
  client::WireConnection connection(server.port());
  connection.hello();
  return connection;
}

void create_user(const ServerProcess& server, const std::string& user,
                 const std::string& password) {
  auto connection = greeted(server);
  auto reply = connection.call("register", {{"username", user}, {"password", password}});
  if (!reply.ok) throw std::runtime_error("register failed: " + reply.error->message);
}

client::WireConnection logged_in(const ServerProcess& server, const std::string& user,
                                 const std::string& password) {
  auto connection = greeted(server);
  auto login = connection.call("login", {{"username", user}, {"password", password}});
  if (!login.ok) throw std::runtime_error("login failed: " + login.error->message);
  return connection;
}

protocol::Reply upload(client::WireConnection& connection, const std::string& path,
                       const std::string& data, bool with_checksum) {
  nlohmann::json announce = {{"path", path}, {"size", data.size()}};
  if (with_checksum) announce["checksum"] = xxh3(data);
  auto started = connection.call("upload", announce);
  if (!started.ok) return started;
  std::uint64_t offset = started.body["offset"];
  connection.send("upload.data", {{"stream", data.size() - offset}});
  connection.send_raw(std::string_view(data).substr(offset));
  auto done = connection.receive();
  if (!done) throw std::runtime_error("the server closed the connection during an upload");
  return *done;
}

Downloaded download(client::WireConnection& connection, const std::string& path,
                    nlohmann::json extra) {
  extra["path"] = path;
  // A resumed download's reply waits for the server to checksum the prefix the client holds
  // (5 GiB in FilesOverFourGibibytes...): seconds on a quiet machine, far more when the suite
  // loads both cores, so the reply gets a generous bound rather than call()'s 10 s.
  auto reply = connection.wait_reply(connection.send("download", extra), std::chrono::minutes(3));
  Downloaded out{reply, {}};
  if (reply.ok) {
    out.bytes = connection.receive_raw(reply.body["stream"].get<std::uint64_t>(),
                                       std::chrono::seconds(60));
  }
  return out;
}

std::set<std::string> workbook_users(const std::filesystem::path& workbook) {
  auto result = run_shell("python3 '" + std::string(NETDISK_SOURCE_DIR) +
                          "/tests/e2e/list_workbook_users.py' '" + workbook.string() + "'");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> names;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) names.insert(line);
  return names;
}

std::vector<std::string> visible_names_in(const std::filesystem::path& folder) {
  auto names = names_in(folder);
  std::erase_if(names, [](const std::string& name) { return name.starts_with(".netdisk-"); });
  return names;
}

std::vector<std::string> reserved_entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    // Leftovers only: the trash and the versions folders (issue #20) are meant to stay.
    if (name.starts_with(".netdisk-part.") || name.starts_with(".netdisk-tmp.")) {
      names.push_back(name);
    }
  }
  return names;
}

std::uint64_t partial_upload_bytes(const std::filesystem::path& dir) {
  std::uint64_t bytes = 0;
  std::error_code ignored;  // a partial may be committed or swept while we look
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored)) {
    if (!entry.path().filename().string().starts_with(".netdisk-part.")) continue;
    auto size = std::filesystem::file_size(entry.path(), ignored);
    if (!ignored) bytes += size;
  }
  return bytes;
}

int connect_loopback(std::uint16_t port, int receive_buffer) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int listen_loopback(int backlog, std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

long status_kib(pid_t pid, std::string_view field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string prefix = std::string(field) + ":";
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(prefix, 0) == 0) return std::stol(line.substr(prefix.size()));
  }
  return -1;
}

}  // namespace netdisk::e2e
