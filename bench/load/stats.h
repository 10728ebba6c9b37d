// Measurement helpers for netdisk-load: a latency sample set with percentiles, and a probe that
// reads a server process's CPU time and memory from /proc (the load generator samples the
// server itself, so one JSON line holds both sides). Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "event_loop.h"

namespace netdisk::bench {

class Latencies {
 public:
  void add(Clock::duration d);
  std::size_t count() const noexcept { return micros_.size(); }
  // The p-th percentile (0..100) in milliseconds; 0 when empty.
  double percentile_ms(double p);

 private:
  std::vector<std::uint32_t> micros_;
};

// /proc/<pid> readings; with pid 0 every reading is 0.
class ProcessProbe {
 public:
  explicit ProcessProbe(int pid) : pid_(pid) {}
  double cpu_seconds() const;  // utime + stime of all threads
  long rss_kib() const;        // VmRSS
  long pss_kib() const;        // Pss from smaps_rollup
  int pid() const noexcept { return pid_; }

 private:
  int pid_;
};

// Samples the probe's RSS every `interval` on the loop and keeps the peak, until stop().
class PeakRss {
 public:
  PeakRss(EventLoop& loop, const ProcessProbe& probe, Clock::duration interval);
  ~PeakRss() { *running_ = false; }
  long peak_kib() const noexcept { return *peak_; }

 private:
  std::shared_ptr<bool> running_ = std::make_shared<bool>(true);
  std::shared_ptr<long> peak_ = std::make_shared<long>(0);
  std::shared_ptr<std::function<void()>> ticker_;
};

}  // namespace netdisk::bench
