// A crash between keeping a version and replacing the name, in process: the in-memory backend
// stops an overwrite's commit right after the old content joined the versions (as kill -9
// between link and rename would on disk). The old content is then at the name and among the
// versions, and the upload resumes and publishes the new content.
#include <gtest/gtest.h>

#include "user_space_test_util.h"

namespace netdisk::storage {
namespace {

using testing::bytes_of;
using testing::put;
using testing::read_file;
using testing::xxh3_of;

TEST(MemoryVersionFaults, ACrashAfterKeepingTheVersionLosesNeitherContent) {
  MemoryBackend backend;
  backend.create_space("alice");
  auto space = backend.open_space("alice");
  ASSERT_TRUE(space.ok());
  ASSERT_TRUE(put(**space, "f", "old").ok());
  backend.faults().crash_after_keeping_version();
  {
    auto sink = (*space)->begin_upload("f", 3, xxh3_of("new"));
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->write(bytes_of("new")).ok());
    auto crashed = (*sink)->commit();
    ASSERT_FALSE(crashed.ok());
  }
  EXPECT_EQ(read_file(**space, "f"), "old");
  auto versions = (*space)->list_versions("f");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ(versions->front().checksum, xxh3_of("old"));

  auto resumed = (*space)->begin_upload("f", 3, xxh3_of("new"));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ((*resumed)->offset(), 3u) << "the partial survives the crash";
  ASSERT_TRUE((*resumed)->commit().ok());
  EXPECT_EQ(read_file(**space, "f"), "new");
}

}  // namespace
}  // namespace netdisk::storage
