#include "stats.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace netdisk::bench {

void Latencies::add(Clock::duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  micros_.push_back(static_cast<std::uint32_t>(std::clamp<long long>(us, 0, UINT32_MAX)));
}

double Latencies::percentile_ms(double p) {
  if (micros_.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(micros_.size())));
  rank = std::clamp<std::size_t>(rank, 1, micros_.size()) - 1;
  std::nth_element(micros_.begin(), micros_.begin() + static_cast<std::ptrdiff_t>(rank), micros_.end());
  return micros_[rank] / 1000.0;
}

namespace {

long field_kib(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return 0;
}

}  // namespace

double ProcessProbe::cpu_seconds() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = data.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream rest(data.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long ProcessProbe::rss_kib() const {
  return pid_ > 0 ? field_kib("/proc/" + std::to_string(pid_) + "/status", "VmRSS:") : 0;
}

long ProcessProbe::pss_kib() const {
  return pid_ > 0 ? field_kib("/proc/" + std::to_string(pid_) + "/smaps_rollup", "Pss:") : 0;
}

PeakRss::PeakRss(EventLoop& loop, const ProcessProbe& probe, Clock::duration interval) {
  if (probe.pid() <= 0) return;
  auto tick = std::make_shared<std::function<void()>>();
  // The timer chain holds only shared state, so it is harmless if it outlives this object.
  *tick = [&loop, probe, interval, running = running_, peak = peak_,
           weak = std::weak_ptr<std::function<void()>>(tick)]() {
    if (!*running) return;
    *peak = std::max(*peak, probe.rss_kib());
    if (auto self = weak.lock()) loop.after(interval, *self);
  };
  ticker_ = tick;
  (*tick)();
}

}  // namespace netdisk::bench
