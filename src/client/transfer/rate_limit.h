// RateLimit: keeps a transfer under a number of bytes per second (--limit-rate), by sleeping
// after each chunk until the average since the start is back under the limit. Sleeps in short
// slices so that Ctrl-C is still seen at once. One transfer thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace netdisk::client {

class RateLimit {
 public:
  // 0 means no limit.
  explicit RateLimit(std::uint64_t bytes_per_second, const std::atomic<bool>* cancel = nullptr)
      : rate_(bytes_per_second), cancel_(cancel) {}

  // Counts `bytes` and sleeps as long as the limit asks. Throws Interrupted on cancel.
  void moved(std::uint64_t bytes);

 private:
  std::uint64_t rate_;
  const std::atomic<bool>* cancel_;
  std::uint64_t total_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// "500K", "10M", "1G", "123" (bytes per second; K, M, G are powers of 1024). Throws
// std::invalid_argument with a message for the user.
std::uint64_t parse_rate(const std::string& text);

}  // namespace netdisk::client
