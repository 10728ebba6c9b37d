#include "tests/cluster/scratch_services.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/e2e/cli_runner.h"

namespace netdisk::cluster_test {

namespace {

// Runs a cluster script; returns its last line of output (what it prints for the caller).
std::string run_script(const std::string& script, const std::string& verb,
                       const std::filesystem::path& dir) {
  auto result =
      e2e::run_program("/bin/bash", {(cluster_scripts() / script).string(), verb, dir.string()}, {},
                       {}, std::chrono::seconds(120));
  if (result.exit_code != 0) {
    throw std::runtime_error(script + " " + verb + " failed: " + result.out + result.err);
  }
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
}

}  // namespace

std::filesystem::path cluster_scripts() {
  return std::filesystem::path(NETDISK_SOURCE_DIR) / "scripts" / "cluster";
}

ScratchPostgres::ScratchPostgres() : conninfo_(run_script("pg.sh", "up", folder_.path())) {}

ScratchPostgres::~ScratchPostgres() {
  try {
    run_script("pg.sh", "down", folder_.path());
  } catch (const std::exception&) {
    // Nothing more can be done in a destructor; the script already logged why.
  }
}

std::string ScratchPostgres::psql(const std::string& sql) const {
  auto result = e2e::run_program("/usr/bin/psql", {conninfo_, "-tAqc", sql});
  if (result.exit_code != 0) throw std::runtime_error("psql failed: " + result.err);
  return result.out;
}

ScratchRedis::ScratchRedis() : address_(run_script("redis.sh", "up", folder_.path())) {}

ScratchRedis::~ScratchRedis() {
  try {
    run_script("redis.sh", "down", folder_.path());
  } catch (const std::exception&) {
    // As above.
  }
}

}  // namespace netdisk::cluster_test
