// HTTP Basic credentials against the real netdiskd: after one Argon2id verification, requests
// on new connections with the same credentials are answered from the verified-credential
// cache (the server's own counters, logged at shutdown, say how many Argon2id verifications
// ran); failures are never cached; --credential-cache-ttl 0 hashes every request; and a
// password hash the administrator changed in users.xlsx refuses the old password at once.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "tests/e2e/http_fixture.h"
#include "tests/e2e/workbook_edit.h"

namespace netdisk::e2e {
namespace {

// The server's password-check counters, from the line it logs when it stops.
struct PasswordChecks {
  long argon2 = -1;
  long cached = -1;
};

PasswordChecks counters_at_stop(ServerProcess& server) {
  server.stop();
  std::smatch match;
  std::string log = server.log();
  std::regex line(
      "password checks: (\\d+) Argon2id verifications, (\\d+) from the credential cache");
  PasswordChecks checks;
  if (std::regex_search(log, match, line)) {
    checks.argon2 = std::stol(match[1].str());
    checks.cached = std::stol(match[2].str());
  }
  return checks;
}

class BasicCredentialCache : public HttpTest {
 protected:
  void SetUp() override {}  // each test starts the server with its own options

  // `count` GETs of /files/note.txt, each on a new connection (one curl per request).
  void get_on_new_connections(const std::string& credentials, int count, int status) {
    for (int i = 0; i < count; ++i) {
      auto got = curl("-u '" + credentials + "' '" + url("/files/note.txt") + "'");
      ASSERT_EQ(got.status, status) << i << ": " << got.body;
      if (status == 200) {
        EXPECT_EQ(got.body, "hello");
      }
    }
  }

  // `count` GETs of /files/note.txt with `credentials`, each on its own connection, `parallel`
  // at a time (curl --parallel); returns how many answers had each status.
  std::map<int, int> statuses_of_parallel_gets(const std::string& credentials, int count,
                                               int parallel) {
    std::string urls;
    for (int i = 0; i < count; ++i) urls += " -o /dev/null '" + url("/files/note.txt") + "'";
    auto result =
        run_shell("curl -sS --max-time 120 --parallel --parallel-immediate --parallel-max " +
                  std::to_string(parallel) + " -H 'Connection: close' -u '" + credentials +
                  "' -w '%{http_code}\\n'" + urls);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::map<int, int> statuses;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) ++statuses[std::stoi(line)];
    return statuses;
  }

  void put_note() {
    auto alice = logged_in(*server_, "alice");
    tcp_upload(alice, "note.txt", "hello");
  }
};

TEST_F(BasicCredentialCache, ASecondRequestOnANewConnectionRunsNoArgon2id) {
  start({});
  put_note();  // one TCP login: one verification
  get_on_new_connections("alice:" + std::string(kTestPassword), 5, 200);
  get_on_new_connections("alice:wrong-password", 2, 401);  // never cached: two more
  get_on_new_connections("alice:" + std::string(kTestPassword), 1, 200);
  auto checks = counters_at_stop(*server_);
  EXPECT_EQ(checks.argon2, 1 + 1 + 2) << server_->log();
  EXPECT_EQ(checks.cached, 5) << server_->log();
}

TEST_F(BasicCredentialCache, ATtlOfZeroRunsArgon2idForEveryRequest) {
  start({"--credential-cache-ttl", "0"});
  put_note();
  get_on_new_connections("alice:" + std::string(kTestPassword), 3, 200);
  auto checks = counters_at_stop(*server_);
  EXPECT_EQ(checks.argon2, 1 + 3) << server_->log();
  EXPECT_EQ(checks.cached, 0) << server_->log();
}

TEST_F(BasicCredentialCache, ManyConnectionsAtOnceShareOneArgon2idVerification) {
  start({});
  put_note();  // one TCP login: one verification
  // 48 requests on their own connections, 16 at a time, all before any verification ended:
  // the first verifies, the others that came meanwhile wait for it, every later one is a hit.
  auto statuses = statuses_of_parallel_gets("alice:" + std::string(kTestPassword), 48, 16);
  EXPECT_EQ(statuses[200], 48);
  auto checks = counters_at_stop(*server_);
  EXPECT_EQ(checks.argon2, 1 + 1) << server_->log();
  EXPECT_EQ(checks.cached, 47) << server_->log();
}

TEST_F(BasicCredentialCache, AWrongPasswordSentOnManyConnectionsAtOnceIsVerifiedForEach) {
  start({});
  put_note();
  // A failure is never shared: each attempt is hashed (or throttled) on its own, so a guesser
  // gets no answer sooner by sending the same guess on many connections.
  auto statuses = statuses_of_parallel_gets("alice:wrong-password", 8, 8);
  EXPECT_EQ(statuses[401] + statuses[429], 8) << statuses.size();
  auto checks = counters_at_stop(*server_);
  EXPECT_EQ(checks.argon2, 1 + statuses[401]) << server_->log();
  EXPECT_EQ(checks.cached, 0) << server_->log();
}

TEST_F(BasicCredentialCache, AfterTheAdminChangesThePasswordHashTheOldPasswordIsRefusedAtOnce) {
  start({});
  put_note();
  create_user(*server_, "carol", "carols-password");
  get_on_new_connections("alice:" + std::string(kTestPassword), 2, 200);  // now cached
  // The administrator gives alice carol's password hash (the server is stopped for that, as
  // README.md says), then starts the server again.
  server_->stop();
  std::string carol_hash = edit_workbook(*server_, {"get", "carol", "B"});
  ASSERT_EQ(carol_hash.rfind("text $argon2id$", 0), 0u) << carol_hash;
  carol_hash = carol_hash.substr(5);
  while (!carol_hash.empty() && carol_hash.back() == '\n') carol_hash.pop_back();
  edit_workbook(*server_, {"set-text", "alice", "B", carol_hash});
  server_->restart();
  get_on_new_connections("alice:" + std::string(kTestPassword), 1, 401);
  get_on_new_connections("alice:carols-password", 2, 200);
}

}  // namespace
}  // namespace netdisk::e2e
