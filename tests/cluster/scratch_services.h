// Scratch PostgreSQL and Redis for cluster mode's tests (issue #22): each starts on
// construction through scripts/cluster/pg.sh or redis.sh in a fresh temporary folder (unix
// sockets only, no TCP), and is stopped by PID and removed on destruction. Throws
// std::runtime_error with the script's output when it cannot start. One owner each; a test
// binary usually keeps one of each for all its tests (a GoogleTest environment or a static).
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/e2e/temp_folder.h"

namespace netdisk::cluster_test {

class ScratchPostgres {
 public:
  ScratchPostgres();
  ~ScratchPostgres();
  ScratchPostgres(const ScratchPostgres&) = delete;
  ScratchPostgres& operator=(const ScratchPostgres&) = delete;

  // A libpq connection string: "host=<socket folder> dbname=netdisk user=netdisk".
  const std::string& conninfo() const { return conninfo_; }
  // Runs one SQL statement through psql as the netdisk role (test set-up and checks);
  // returns psql's unaligned output. Throws when psql fails.
  std::string psql(const std::string& sql) const;

 private:
  e2e::TempFolder folder_;
  std::string conninfo_;
};

class ScratchRedis {
 public:
  ScratchRedis();
  ~ScratchRedis();
  ScratchRedis(const ScratchRedis&) = delete;
  ScratchRedis& operator=(const ScratchRedis&) = delete;

  // "unix:/path/to/redis.sock", as --redis takes it.
  const std::string& address() const { return address_; }
  std::filesystem::path socket() const { return address_.substr(5); }

 private:
  e2e::TempFolder folder_;
  std::string address_;
};

// A fixture whose test suite shares one ScratchPostgres: started before the suite's first test,
// stopped after its last (GoogleTest runs suites one at a time, so one pointer serves every
// suite that derives from it).
class WithSuitePostgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { postgres_ = new ScratchPostgres(); }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }
  static ScratchPostgres& postgres() { return *postgres_; }

 private:
  static inline ScratchPostgres* postgres_ = nullptr;
};

// The repository's scripts/cluster/ folder.
std::filesystem::path cluster_scripts();

}  // namespace netdisk::cluster_test
