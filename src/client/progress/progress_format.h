// Progress formatting: the text of progress lines and transfer summaries, as pure functions of
// numbers, so what the user sees is unit-tested without a terminal or a clock. The display
// (progress_display.h) decides when and where to draw. Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace netdisk::client {

// "0 B", "1023 B", "1.0 KiB", "200.0 MiB", "1.5 GiB": binary units, one decimal above bytes.
std::string human_bytes(std::uint64_t bytes);

// human_bytes() per second, "0 B/s" for a rate of zero or less.
std::string human_rate(double bytes_per_second);

// "0:07", "12:34", "1:02:03"; "--:--" when unknown (nullopt, negative or absurdly long).
std::string human_duration(std::optional<double> seconds);

// Whole percent done, 100 for an empty transfer.
int percent_done(std::uint64_t done, std::uint64_t total);

// Estimated seconds left at `rate`; nullopt when the rate is zero.
std::optional<double> eta_seconds(std::uint64_t done, std::uint64_t total, double rate);

struct ProgressSnapshot {
  std::string name;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  double rate = 0;       // bytes per second over the last few seconds
  bool stalled = false;  // no byte moved for a while
};

// One live line, at most `width` columns (the name is shortened to fit):
//   "photo.jpg  [#######-------]  45%  90.0 MiB/200.0 MiB  12.3 MiB/s  ETA 0:09"
std::string render_progress_line(const ProgressSnapshot& snapshot, std::size_t width);

// The line left when a transfer ends: "photo.jpg: 200.0 MiB in 16 s (12.5 MiB/s)", plus
// "; NOTE" when there is a note (for example where a resumed transfer started). The average
// speed counts the `moved` bytes of this run only, not those a resumed transfer skipped.
std::string render_summary(const std::string& name, std::uint64_t size, std::uint64_t moved,
                           double seconds, const std::string& note);

}  // namespace netdisk::client
