// HTTP Basic credentials against the real netdiskd: after one Argon2id verification, requests
// on new connections with the same credentials are answered from the verified-credential
// cache (the server's own counters, logged at shutdown, say how many Argon2id verifications
// ran); failures are never cached; --credential-cache-ttl 0 hashes every request; and a
// password hash the administrator changed in users.xlsx refuses the old password at once.
#include <gtest/gtest.h>

#include <regex>
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

TEST_F(BasicCredentialCache, ManyConnectionsAtOnceHashAtMostOncePerConnectionInFlight) {
  start({});
  put_note();
  // 40 requests, each on its own connection, 8 at a time: only those that started before the
  // first verification ended can miss; every later one is a hit.
  std::string urls;
  for (int i = 0; i < 40; ++i) urls += " '" + url("/files/note.txt") + "'";
  auto result = run_shell(
      "curl -sS --max-time 60 --parallel --parallel-max 8 -H 'Connection: close' "
      "-u 'alice:" +
      std::string(kTestPassword) + "' -w '%{http_code}\\n'" + urls);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::size_t ok = 0;
  for (std::size_t at = 0; (at = result.out.find("200\n", at)) != std::string::npos; at += 4) ++ok;
  EXPECT_EQ(ok, 40u) << result.out;
  auto checks = counters_at_stop(*server_);
  EXPECT_EQ(checks.argon2 - 1 + checks.cached, 40) << server_->log();
  EXPECT_LE(checks.argon2 - 1, 8) << server_->log();
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
