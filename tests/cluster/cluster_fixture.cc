#include "tests/cluster/cluster_fixture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/e2e/helpers.h"
#include "tests/e2e/sanitizer_report.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {

namespace fs = std::filesystem;

ClusterEnvironment* ClusterEnvironment::instance_ = nullptr;

namespace {

const fs::path kClusterScript = fs::path(NETDISK_SOURCE_DIR) / "scripts" / "cluster.sh";

// "KEY=value" and "KEY='value'" lines; comments and blank lines skipped.
std::map<std::string, std::string> parse_env_file(const fs::path& file) {
  std::map<std::string, std::string> values;
  std::istringstream lines(read_file(file));
  for (std::string line; std::getline(lines, line);) {
    auto equals = line.find('=');
    if (line.empty() || line[0] == '#' || equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
    }
    values[line.substr(0, equals)] = value;
  }
  return values;
}

}  // namespace

void ClusterEnvironment::SetUp() {
  instance_ = this;
  char pattern[] = "/tmp/netdisk-cluster-test.XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  dir_ = pattern;
  start_guardian();
  // cluster.sh up is the test of `up` itself: under a minute, or the run fails here.
  auto started = std::chrono::steady_clock::now();
  auto up = run_program(kClusterScript, {"up", dir_.string()}, {}, {}, std::chrono::seconds(120));
  auto took =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  std::cerr << "cluster.sh up took " << took.count() << " s (" << dir_.string() << ")\n";
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  up_ = true;
  EXPECT_LT(took, std::chrono::seconds(60));
  reload();
  fs::create_directories(work());
}

void ClusterEnvironment::TearDown() {
  if (up_) {
    auto down =
        run_program(kClusterScript, {"down", dir_.string()}, {}, {}, std::chrono::seconds(120));
    EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
    // In a sanitizer build a report from a node fails the run, as ServerProcess's do.
    for (int n = 1; fs::exists(dir_ / ("node" + std::to_string(n))); ++n) {
      fs::path log = dir_ / ("node" + std::to_string(n)) / "netdiskd.log";
      expect_no_sanitizer_report(log.string(), read_file(log));
    }
  }
  if (guardian_pipe_ >= 0) {
    // The cluster is down: the guardian may leave without doing anything.
    (void)!::write(guardian_pipe_, "d", 1);
    ::close(guardian_pipe_);
    ::wait(nullptr);
  }
  // The folder stays for a run that failed: the nodes' and daemons' logs are in it.
  if (!::testing::UnitTest::GetInstance()->Failed() && !dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  } else {
    std::cerr << "the cluster's folder (logs) stays in " << dir_.string() << "\n";
  }
}

// A child in its own process group that waits on a pipe: EOF without a "done" byte means this
// process died without TearDown, and the child stops the cluster then.
void ClusterEnvironment::start_guardian() {
  int pipe_ends[2];
  ASSERT_EQ(::pipe2(pipe_ends, O_CLOEXEC), 0);
  std::string script = kClusterScript.string(), dir = dir_.string();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setpgid(0, 0);
    ::close(pipe_ends[1]);
    char byte = 0;
    ssize_t got;
    do got = ::read(pipe_ends[0], &byte, 1);
    while (got < 0 && errno == EINTR);
    if (got == 1) ::_exit(0);
    const char* args[] = {script.c_str(), "down", dir.c_str(), nullptr};
    ::execv(args[0], const_cast<char* const*>(args));
    ::_exit(127);
  }
  ::close(pipe_ends[0]);
  guardian_pipe_ = pipe_ends[1];
}

void ClusterEnvironment::reload() { values_ = parse_env_file(dir_ / "cluster.env"); }

std::string ClusterEnvironment::value(const std::string& key) const {
  auto it = values_.find(key);
  EXPECT_NE(it, values_.end()) << key << " is not in cluster.env";
  return it == values_.end() ? std::string() : it->second;
}

bool ClusterEnvironment::cluster(const std::string& action,
                                 const std::vector<std::string>& args) const {
  std::vector<std::string> full = {action};
  full.insert(full.end(), args.begin(), args.end());
  full.push_back(dir_.string());
  auto run = run_program(kClusterScript, full, {}, {}, std::chrono::seconds(120));
  if (run.exit_code != 0) std::cerr << "cluster.sh " << action << ":\n" << run.out << run.err;
  return run.exit_code == 0;
}

std::string address(const std::string& key) { return ClusterEnvironment::get()->value(key); }

ClusterClient::ClusterClient(const std::string& name)
    : dir_(ClusterEnvironment::get()->work() / name) {
  fs::create_directories(dir_ / "local");
  fs::create_directories(dir_ / "config" / "netdisk");
  // Every frontend, balanced or not, must show the cluster's one key.
  std::string fingerprint = address("TLS_FINGERPRINT");
  std::string known;
  for (std::string key : {"NETDISK_TCP", "NODE1_TCP", "NODE2_TCP", "NODE3_TCP"}) {
    known += address(key) + " " + fingerprint + "\n";
  }
  fs::path file = dir_ / "config" / "netdisk" / "known_servers";
  write_file(file, known);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
}

Env ClusterClient::env(Env extra) const {
  extra["XDG_CONFIG_HOME"] = (dir_ / "config").string();
  extra.emplace("NETDISK_PLAINTEXT", "0");
  extra.emplace("NETDISK_STRICT_HOST_KEY", "1");
  return extra;
}

std::vector<std::string> ClusterClient::argv(const std::string& frontend,
                                             std::vector<std::string> args) const {
  args.insert(args.begin(), {(binary_dir() / "netdisk").string(), "--server", address(frontend)});
  return args;
}

CliResult ClusterClient::run(const std::string& frontend, std::vector<std::string> args, Env extra,
                             std::chrono::seconds timeout) const {
  auto full = argv(frontend, std::move(args));
  fs::path program = full.front();
  full.erase(full.begin());
  return run_program(program, full, env(std::move(extra)), {}, timeout);
}

void ClusterClient::share_login(const std::string& from, const std::vector<std::string>& to) const {
  fs::path file = dir_ / "config" / "netdisk" / "sessions.json";
  auto logins = nlohmann::json::parse(read_file(file));
  ASSERT_TRUE(logins.contains(address(from))) << logins.dump();
  for (const auto& key : to) logins[address(key)] = logins[address(from)];
  write_file(file, logins.dump());
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
}

int http_get(const std::string& address, const std::string& target, const std::string& user,
             const std::string& password, const fs::path& body_to) {
  std::vector<std::string> args = {
      "-s",         "-o", body_to.empty() ? "/dev/null" : body_to.string(), "-w", "%{http_code}",
      "--max-time", "120"};
  if (!user.empty()) args.insert(args.end(), {"-u", user + ":" + password});
  args.push_back("http://" + address + target);
  auto curl = run_program("/usr/bin/curl", args, {}, {}, std::chrono::seconds(150));
  return curl.exit_code == 0 ? std::atoi(curl.out.c_str()) : 0;
}

void make_random_file(const fs::path& path, std::size_t size, std::uint32_t seed) {
  write_file(path, random_bytes(size, seed));
}

bool same_file_bytes(const fs::path& a, const fs::path& b) {
  return run_shell("cmp '" + a.string() + "' '" + b.string() + "'").exit_code == 0;
}

}  // namespace netdisk::e2e
