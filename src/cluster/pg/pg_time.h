// Wall-clock times as PostgreSQL parameters and back, in whole seconds since the epoch: a
// statement takes them through to_timestamp($n) and returns extract(epoch from col)::bigint.
// Pure functions, any thread.
#pragma once

#include <charconv>
#include <chrono>
#include <string>
#include <string_view>

namespace netdisk::cluster::pg {

inline std::string seconds_text(std::chrono::system_clock::time_point when) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count());
}

inline std::chrono::system_clock::time_point from_seconds(std::string_view text) {
  long long seconds = 0;
  std::from_chars(text.data(), text.data() + text.size(), seconds);
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace netdisk::cluster::pg
