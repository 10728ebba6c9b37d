#include "common/errc.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/result.h"

namespace netdisk {
namespace {

TEST(Errc, EveryCodeRoundTripsThroughItsWireName) {
  std::set<std::string> seen;
  for (int i = 0; i <= static_cast<int>(Errc::internal_error); ++i) {
    auto code = static_cast<Errc>(i);
    auto name = errc_name(code);
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE(seen.insert(std::string(name)).second) << "duplicate name " << name;
    EXPECT_EQ(errc_from_name(name), code);
  }
}

TEST(Errc, UnknownNameHasNoCode) { EXPECT_FALSE(errc_from_name("no_such_code").has_value()); }

TEST(Errc, FramingFailuresAreFatalAndRequestFailuresAreNot) {
  EXPECT_TRUE(errc_is_fatal(Errc::frame_too_large));
  EXPECT_TRUE(errc_is_fatal(Errc::handshake_required));
  EXPECT_FALSE(errc_is_fatal(Errc::bad_json));
  EXPECT_FALSE(errc_is_fatal(Errc::unknown_op));
}

TEST(ErrorFromErrno, DiskFullIsItsOwnCode) {
  EXPECT_EQ(error_from_errno(ENOSPC, "write").code, Errc::disk_full);
  EXPECT_EQ(error_from_errno(ENOENT, "open").code, Errc::not_found);
  EXPECT_EQ(error_from_errno(EXDEV, "open").code, Errc::invalid_path);
}

TEST(Result, HoldsValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = make_error(Errc::not_found, "nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::not_found);
  Status fine;
  EXPECT_TRUE(fine.ok());
}

}  // namespace
}  // namespace netdisk
