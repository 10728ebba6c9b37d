// DataLock (storage/data_lock.h): one holder at a time, a clear error for the second, and the
// lock gone with its holder.
#include "storage/data_lock.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace netdisk::storage {
namespace {

namespace fs = std::filesystem;

TEST(DataLock, ASecondHolderIsRefusedUntilTheFirstLetsGo) {
  std::string pattern = (fs::temp_directory_path() / "netdisk-lock-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  fs::path data = fs::path(pattern) / "data";  // created by acquire, owner-only
  {
    auto first = DataLock::acquire(data);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(fs::status(data).permissions() & fs::perms::all, fs::perms::owner_all);
    auto second = DataLock::acquire(data);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, Errc::already_exists);
    EXPECT_NE(second.error().message.find("another netdiskd"), std::string::npos);
  }
  EXPECT_TRUE(DataLock::acquire(data).ok()) << "the lock outlived its holder";
  fs::remove_all(pattern);
}

}  // namespace
}  // namespace netdisk::storage
