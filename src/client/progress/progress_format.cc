#include "client/progress/progress_format.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace netdisk::client {
namespace {

constexpr std::size_t kBarCells = 20;

// Keeps the end of a long name, which is where the distinguishing part usually is.
std::string fit_name(const std::string& name, std::size_t width) {
  if (name.size() <= width) return name;
  if (width <= 3) return name.substr(name.size() - width);
  return "..." + name.substr(name.size() - (width - 3));
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  // Round first, so 1048575 bytes reads "1.0 MiB", not "1024.0 KiB".
  while (std::round(value * 10) / 10 >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string human_rate(double bytes_per_second) {
  if (!(bytes_per_second > 0)) return "0 B/s";
  return human_bytes(static_cast<std::uint64_t>(std::min(bytes_per_second, 9e18))) + "/s";
}

std::string human_duration(std::optional<double> seconds) {
  if (!seconds || !(*seconds >= 0) || *seconds > 360000) return "--:--";
  auto total = static_cast<std::uint64_t>(std::llround(*seconds));
  std::uint64_t hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  if (hours > 0) return fmt::format("{}:{:02}:{:02}", hours, minutes, secs);
  return fmt::format("{}:{:02}", minutes, secs);
}

int percent_done(std::uint64_t done, std::uint64_t total) {
  if (total == 0 || done >= total) return 100;
  return static_cast<int>(static_cast<long double>(done) * 100 / static_cast<long double>(total));
}

std::optional<double> eta_seconds(std::uint64_t done, std::uint64_t total, double rate) {
  if (done >= total) return 0.0;
  if (!(rate > 0)) return std::nullopt;
  return static_cast<double>(total - done) / rate;
}

std::string render_progress_line(const ProgressSnapshot& snapshot, std::size_t width) {
  int percent = percent_done(snapshot.done, snapshot.total);
  auto filled = static_cast<std::size_t>(percent) * kBarCells / 100;
  std::string bar = "[" + std::string(filled, '#') + std::string(kBarCells - filled, '-') + "]";
  std::string speed = snapshot.stalled ? "stalled" : human_rate(snapshot.rate);
  std::string eta = snapshot.stalled
                        ? "--:--"
                        : human_duration(eta_seconds(snapshot.done, snapshot.total, snapshot.rate));
  std::string tail =
      fmt::format("  {}  {:3}%  {}/{}  {}  ETA {}", bar, percent, human_bytes(snapshot.done),
                  human_bytes(snapshot.total), speed, eta);
  std::size_t name_width = width > tail.size() + 8 ? width - tail.size() : 8;
  std::string line = fit_name(snapshot.name, name_width) + tail;
  if (line.size() > width) line.resize(width);
  return line;
}

std::string render_summary(const std::string& name, std::uint64_t size, std::uint64_t moved,
                           double seconds, const std::string& note) {
  double rate = seconds > 0 ? static_cast<double>(moved) / seconds : 0;
  std::string time =
      seconds < 10 ? fmt::format("{:.1f} s", std::max(seconds, 0.0)) : human_duration(seconds);
  std::string line =
      fmt::format("{}: {} in {} ({})", name, human_bytes(size), time, human_rate(rate));
  if (!note.empty()) line += "; " + note;
  return line;
}

}  // namespace netdisk::client
