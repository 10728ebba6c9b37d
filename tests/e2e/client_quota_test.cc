// `netdisk df` and `netdisk put` against a quota (issue #20, "Quotas") with the real client and
// server: df prints used, quota and free in binary units and exact bytes; a put larger than
// what the quota leaves fails with quota_exceeded and stores nothing; the administrator's new
// quota shows at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/client/client_fixture.h"
#include "tests/e2e/cli_runner.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

using ClientQuota = ClientTest;

CliResult set_quota(const ServerProcess& server, const std::string& size) {
  return run_program(binary_dir() / "netdiskd",
                     {"admin", "--data", server.data_dir().string(), "user", "quota", kUser, size});
}

TEST_F(ClientQuota, DfPrintsUsedQuotaAndFreeInUnitsAndExactBytes) {
  auto none = netdisk({"df"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "used   0 B (0 bytes)\nquota  none\nfree   no limit (no quota)\n");

  ASSERT_EQ(set_quota(server_, "2 MiB").exit_code, 0);
  write_bytes(local("f"), random_bytes((1 << 20) + (1 << 19), 1));
  ASSERT_EQ(netdisk({"put", local("f")}).exit_code, 0);
  auto df = netdisk({"df"});
  ASSERT_EQ(df.exit_code, 0) << df.err;
  EXPECT_EQ(df.out,
            "used   1.5 MiB (1572864 bytes)\n"
            "quota  2.0 MiB (2097152 bytes)\n"
            "free   512.0 KiB (524288 bytes)\n");
}

TEST_F(ClientQuota, APutLargerThanWhatIsLeftFailsWithQuotaExceededAndStoresNothing) {
  ASSERT_EQ(set_quota(server_, "100 KiB").exit_code, 0);
  write_bytes(local("big"), random_bytes(200 * 1024, 2));
  auto put = netdisk({"put", local("big")});
  EXPECT_NE(put.exit_code, 0);
  EXPECT_NE(put.err.find("quota"), std::string::npos) << put.err;
  EXPECT_FALSE(fs::exists(home() / "big"));
  EXPECT_TRUE(reserved_entries(home()).empty());
  // Raised, the same put goes through.
  ASSERT_EQ(set_quota(server_, "1 MiB").exit_code, 0);
  auto again = netdisk({"put", local("big")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(same_bytes(local("big"), home() / "big"));
}

}  // namespace
}  // namespace netdisk::e2e
