// The cluster the end-to-end cluster tests share: scripts/cluster.sh brings it up once for the
// test binary in a temporary folder (a GoogleTest Environment), the tests read its addresses
// from cluster.env and drive it with the real netdisk client and curl through HAProxy. A
// guardian process runs `cluster.sh down` if the binary dies without tearing down (a crash, a
// CTest timeout), so no daemon outlives the run. The test thread only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/client/child_process.h"
#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {

class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // The cluster every test uses; null before SetUp.
  static ClusterEnvironment* get() { return instance_; }

  // A value of cluster.env (quotes removed); fails the test and returns "" when it is absent.
  std::string value(const std::string& key) const;
  // Re-reads cluster.env (a restarted node has a new PID).
  void reload();
  // Runs scripts/cluster.sh ACTION [ARGS...] DIR; true on success (its output goes to the log).
  bool cluster(const std::string& action, const std::vector<std::string>& args = {}) const;
  const std::filesystem::path& dir() const { return dir_; }
  // The folder the tests keep their local files and client configurations in.
  std::filesystem::path work() const { return dir_ / "tests"; }

 private:
  void start_guardian();

  static ClusterEnvironment* instance_;
  std::filesystem::path dir_;
  std::map<std::string, std::string> values_;
  int guardian_pipe_ = -1;  // our end; the guardian stops the cluster when it reads EOF
  bool up_ = false;
};

// A client of the cluster: one user's configuration folder (its saved logins, and known_servers
// naming the cluster's key for every HAProxy frontend, so strict host-key checking proves that
// every node shows the same key).
class ClusterClient {
 public:
  explicit ClusterClient(const std::string& name);

  // Runs netdisk against `frontend` (a cluster.env key such as "NODE2_TCP" or "NETDISK_TCP").
  CliResult run(const std::string& frontend, std::vector<std::string> args, Env env = {},
                std::chrono::seconds timeout = std::chrono::seconds(120)) const;
  // The command line and environment for a ChildProcess.
  std::vector<std::string> argv(const std::string& frontend, std::vector<std::string> args) const;
  Env env(Env extra = {}) const;
  // Copies the saved login for `from` (a frontend key) to the frontends `to`: the same token,
  // presented to other nodes.
  void share_login(const std::string& from, const std::vector<std::string>& to) const;
  std::filesystem::path local(const std::string& name) const { return dir_ / "local" / name; }
  std::filesystem::path dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// The address ("127.0.0.1:PORT") of a cluster.env key.
std::string address(const std::string& key);
// The HTTP status of GET http://ADDRESS/TARGET through curl (0 when no answer), with `user`
// and `password` as Basic credentials when given; the body goes to `body_to` when given.
int http_get(const std::string& address, const std::string& target, const std::string& user = {},
             const std::string& password = {}, const std::filesystem::path& body_to = {});
// A file of `size` pseudo-random bytes.
void make_random_file(const std::filesystem::path& path, std::size_t size, std::uint32_t seed);
bool same_file_bytes(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace netdisk::e2e
