#include "storage/iso_time.h"

#include <gtest/gtest.h>

namespace netdisk::storage {
namespace {

using namespace std::chrono;
using Clock = std::chrono::system_clock;

TEST(IsoTime, FormatsUtcWithWholeSeconds) {
  Clock::time_point when = sys_days{2026y / November / 23} + 10h + 4min + 5s + 678ms;
  EXPECT_EQ(format_iso8601_utc(when), "2026-11-23T10:04:05Z");
  EXPECT_EQ(format_iso8601_utc(Clock::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(IsoTime, ParsesWhatItFormats) {
  Clock::time_point when = sys_days{2024y / February / 29} + 23h + 59min + 59s;
  auto parsed = parse_iso8601_utc(format_iso8601_utc(when));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, when);
}

TEST(IsoTime, DropsAFractionOfASecond) {
  auto parsed = parse_iso8601_utc("2026-11-23T10:04:05.123456Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(format_iso8601_utc(*parsed), "2026-11-23T10:04:05Z");
}

TEST(IsoTime, RefusesMalformedOrImpossibleTimes) {
  for (std::string_view bad :
       {"", "2026-11-23", "2026-11-23 10:04:05Z", "2026-11-23T10:04:05",
        "2026-11-23T10:04:05+01:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T10:04:60Z",
        "20x6-11-23T10:04:05Z", "2026-11-23T10:04:05.Z", "9999-12-31T23:59:59Z",
        "1969-12-31T23:59:59Z", "45678"}) {
    EXPECT_FALSE(parse_iso8601_utc(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace netdisk::storage
