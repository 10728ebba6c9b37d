#include "client/transfer/rate_limit.h"

#include <cctype>
#include <stdexcept>
#include <thread>

#include "client/interrupt.h"

namespace netdisk::client {

void RateLimit::moved(std::uint64_t bytes) {
  if (rate_ == 0) return;
  total_ += bytes;
  auto due =
      start_ +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(static_cast<double>(total_) / static_cast<double>(rate_)));
  while (std::chrono::steady_clock::now() < due) {
    if (cancel_ != nullptr && cancel_->load()) throw Interrupted();
    auto left = due - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

std::uint64_t parse_rate(const std::string& text) {
  std::size_t used = 0;
  unsigned long long number = 0;
  try {
    number = std::stoull(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("'" + text + "' is not a rate such as 500K or 10M");
  }
  std::string suffix = text.substr(used);
  std::uint64_t unit = 1;
  if (suffix == "K" || suffix == "k")
    unit = 1024;
  else if (suffix == "M" || suffix == "m")
    unit = 1024 * 1024;
  else if (suffix == "G" || suffix == "g")
    unit = 1024 * 1024 * 1024;
  else if (!suffix.empty())
    throw std::invalid_argument("'" + text + "': unknown unit " + suffix);
  if (number == 0) throw std::invalid_argument("a rate limit must be above zero");
  return number * unit;
}

}  // namespace netdisk::client
