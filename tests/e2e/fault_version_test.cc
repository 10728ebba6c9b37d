// kill -9 in the middle of an overwrite never loses the old content (issue #20): netdiskd runs
// under `strace --inject`, which kills it with SIGKILL at the very rename that would put the
// new file in place. By then the old content must already be linked among the versions (the
// commit keeps it first, under the name's lock); after a restart the old content is at the
// name and listed as a version, and uploads go on.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/partial_uploads.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

TEST(VersionCrash, KillNineAtTheReplacingRenameLeavesTheOldContentAtTheNameAndAsAVersion) {
  ServerProcess server({"--password-hash-memory", "1", "--password-hash-ops", "1"});
  create_user(server, "alice");
  std::string v1 = random_bytes(1 << 20, 1), v2 = random_bytes(2 << 20, 2);
  {
    auto alice = logged_in(server, "alice");
    ASSERT_TRUE(upload(alice, "doc.bin", v1).ok);
  }
  fs::path home = server.data_dir() / "home" / "alice";
  std::string partial = storage::resumable_partial_name("doc.bin", v2.size(), xxh3(v2));
  server.stop();
  server.set_wrapper({"strace", "-f", "-qq", "-o", (server.work_dir() / "strace.log").string(),
                      "-e", "trace=rename,renameat,renameat2", "-e",
                      "inject=rename,renameat,renameat2:signal=KILL", "-P",
                      (home / partial).string(), "-P", partial, "--"});
  server.restart();
  try {
    auto alice = logged_in(server, "alice");
    EXPECT_FALSE(upload(alice, "doc.bin", v2).ok) << "the rename was meant to kill the server";
  } catch (const std::exception&) {
    // The connection died with the server: what a crash looks like to the client.
  }
  server.stop();
  std::vector<std::string> kept;
  for (const auto& entry : fs::recursive_directory_iterator(home / ".netdisk-versions")) {
    if (entry.is_regular_file()) kept.push_back(read_file(entry.path()));
  }
  ASSERT_EQ(kept.size(), 1u) << "the old content was not kept before the rename";
  EXPECT_TRUE(kept[0] == v1);
  EXPECT_TRUE(read_file(home / "doc.bin") == v1) << "the name lost its old content";

  server.set_wrapper({});
  server.restart();
  auto alice = logged_in(server, "alice");
  auto versions = alice.call("versions.list", {{"path", "doc.bin"}});
  ASSERT_TRUE(versions.ok);
  ASSERT_EQ(versions.body["versions"].size(), 1u);
  EXPECT_EQ(versions.body["versions"][0]["checksum"], xxh3(v1));
  ASSERT_TRUE(upload(alice, "doc.bin", v2).ok);
  EXPECT_TRUE(download(alice, "doc.bin").bytes == v2);
}

}  // namespace
}  // namespace netdisk::e2e
