// The text of progress lines and summaries, without a terminal or a clock.
#include "client/progress/progress_format.h"

#include <gtest/gtest.h>

namespace netdisk::client {
namespace {

TEST(HumanBytes, UsesBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(200ull << 20), "200.0 MiB");
  EXPECT_EQ(human_bytes(3ull << 30), "3.0 GiB");
}

TEST(HumanBytes, RoundsUpIntoTheNextUnitInsteadOfShowing1024) {
  EXPECT_EQ(human_bytes((1ull << 20) - 1), "1.0 MiB");
}

TEST(HumanBytes, HandlesTheLargestWireSize) { EXPECT_EQ(human_bytes((1ull << 63) - 1), "8.0 EiB"); }

TEST(HumanRate, ShowsZeroForNoProgress) {
  EXPECT_EQ(human_rate(0), "0 B/s");
  EXPECT_EQ(human_rate(-5), "0 B/s");
  EXPECT_EQ(human_rate(2.5 * 1024 * 1024), "2.5 MiB/s");
}

TEST(HumanDuration, ShowsMinutesAndHoursAndUnknown) {
  EXPECT_EQ(human_duration(7.4), "0:07");
  EXPECT_EQ(human_duration(754), "12:34");
  EXPECT_EQ(human_duration(3723), "1:02:03");
  EXPECT_EQ(human_duration(std::nullopt), "--:--");
  EXPECT_EQ(human_duration(-1), "--:--");
  EXPECT_EQ(human_duration(1e12), "--:--");
}

TEST(PercentDone, IsWholeAndReachesHundredOnlyAtTheEnd) {
  EXPECT_EQ(percent_done(0, 200), 0);
  EXPECT_EQ(percent_done(199, 200), 99);
  EXPECT_EQ(percent_done(200, 200), 100);
  EXPECT_EQ(percent_done(0, 0), 100);  // an empty file is done at once
}

TEST(EtaSeconds, IsUnknownWithoutSpeedAndZeroWhenDone) {
  EXPECT_FALSE(eta_seconds(10, 100, 0).has_value());
  EXPECT_DOUBLE_EQ(*eta_seconds(50, 100, 10), 5.0);
  EXPECT_DOUBLE_EQ(*eta_seconds(100, 100, 0), 0.0);
}

TEST(ProgressLine, ShowsNamePercentBytesSpeedAndEta) {
  ProgressSnapshot snapshot{"photo.jpg", 90ull << 20, 200ull << 20, 10.0 * (1 << 20), false};
  std::string line = render_progress_line(snapshot, 120);
  EXPECT_NE(line.find("photo.jpg"), std::string::npos) << line;
  EXPECT_NE(line.find(" 45%"), std::string::npos) << line;
  EXPECT_NE(line.find("90.0 MiB/200.0 MiB"), std::string::npos) << line;
  EXPECT_NE(line.find("10.0 MiB/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 0:11"), std::string::npos) << line;
}

TEST(ProgressLine, SaysStalledInsteadOfASpeed) {
  ProgressSnapshot snapshot{"big.iso", 10, 100, 0, true};
  std::string line = render_progress_line(snapshot, 120);
  EXPECT_NE(line.find("stalled"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA --:--"), std::string::npos) << line;
}

TEST(ProgressLine, NeverExceedsTheWidthAndKeepsTheEndOfALongName) {
  ProgressSnapshot snapshot{std::string(200, 'x') + "tail.bin", 1, 2, 1, false};
  for (std::size_t width : {40u, 80u, 200u}) {
    std::string line = render_progress_line(snapshot, width);
    EXPECT_LE(line.size(), width);
  }
  EXPECT_NE(render_progress_line(snapshot, 100).find("tail.bin"), std::string::npos);
}

TEST(ProgressLine, ContainsNoControlCharacters) {
  ProgressSnapshot snapshot{"a", 1, 2, 1, false};
  for (char c : render_progress_line(snapshot, 80)) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(Summary, GivesSizeTimeAndTheAverageSpeedOfTheBytesMoved) {
  std::string line = render_summary("a.bin", 100ull << 20, 50ull << 20, 5.0, "");
  EXPECT_EQ(line, "a.bin: 100.0 MiB in 5.0 s (10.0 MiB/s)");
  EXPECT_EQ(render_summary("a.bin", 10, 10, 75, "resumed at 5 B"),
            "a.bin: 10 B in 1:15 (0 B/s); resumed at 5 B");
}

}  // namespace
}  // namespace netdisk::client
