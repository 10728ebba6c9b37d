#include "tests/client/client_fixture.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include "client/wire_connection.h"

namespace netdisk::e2e {

namespace fs = std::filesystem;

void ClientTest::SetUp() {
  local_dir_ = server_.work_dir() / "local";
  fs::create_directories(local_dir_);
  auto registered = netdisk({"register", kUser}, {{"NETDISK_PASSWORD", kPassword}});
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  auto login = netdisk({"login", kUser}, {{"NETDISK_PASSWORD", kPassword}});
  ASSERT_EQ(login.exit_code, 0) << login.err;
}

Env ClientTest::env(Env extra) const {
  extra.emplace("XDG_CONFIG_HOME", (server_.work_dir() / "config").string());
  return extra;
}

std::vector<std::string> ClientTest::argv(std::vector<std::string> args) const {
  args.insert(args.begin(), {(binary_dir() / "netdisk").string(), "--server",
                             "127.0.0.1:" + std::to_string(server_.port())});
  return args;
}

CliResult ClientTest::netdisk(std::vector<std::string> args, Env extra,
                              const std::string& stdin_text) {
  auto full = argv(std::move(args));
  full.erase(full.begin());
  return run_netdisk(full, env(std::move(extra)), stdin_text);
}

std::string ClientTest::remote_version(const std::string& path) {
  client::WireConnection connection(server_.port());
  connection.hello();
  auto login = connection.call("login", {{"username", kUser}, {"password", kPassword}});
  EXPECT_TRUE(login.ok);
  auto stat = connection.call("stat", {{"path", path}});
  EXPECT_TRUE(stat.ok) << stat.error_code_name;
  return stat.body.value("version", std::string());
}

std::string ClientTest::run_answering(std::vector<std::string> args, const std::string& question,
                                      const std::string& answer) {
  PtyProcess client(argv(std::move(args)), env(), local_dir());
  bool asked = false;
  client.read_until(question, &asked);
  EXPECT_TRUE(asked) << client.transcript();
  client.write(answer + "\n");
  EXPECT_EQ(client.wait(), 0) << client.transcript();
  return client.transcript();
}

void make_sparse_file(const fs::path& path, std::uint64_t size, std::uint32_t seed) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
  std::string block = random_bytes(64 * 1024, seed);
  for (std::uint64_t at = 0; at + block.size() <= size; at += 4 * 1024 * 1024 + 4099) {
    ASSERT_EQ(::pwrite(fd, block.data(), block.size(), static_cast<off_t>(at)),
              static_cast<ssize_t>(block.size()));
  }
  ::close(fd);
}

bool same_bytes(const fs::path& a, const fs::path& b) {
  return run_shell("cmp '" + a.string() + "' '" + b.string() + "'").exit_code == 0;
}

std::uint64_t file_size_or_zero(const fs::path& path) {
  std::error_code error;
  auto size = fs::file_size(path, error);
  return error ? 0 : size;
}

bool wait_for_size(const fs::path& path, std::uint64_t bytes) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (file_size_or_zero(path) < bytes) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace netdisk::e2e
