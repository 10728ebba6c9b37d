#include "common/time_format.h"

#include <ctime>

#include <fmt/format.h>

namespace netdisk {

std::string format_utc_ns(std::int64_t ns_since_epoch) {
  std::int64_t seconds = ns_since_epoch / 1'000'000'000;
  std::int64_t fraction = ns_since_epoch % 1'000'000'000;
  if (fraction < 0) {
    fraction += 1'000'000'000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (fraction != 0) {
    std::string digits = fmt::format("{:09}", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    out += "." + digits;
  }
  return out + "Z";
}

std::string format_utc(std::chrono::system_clock::time_point time) {
  return format_utc_ns(
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
}

std::string format_utc_now() { return format_utc(std::chrono::system_clock::now()); }

}  // namespace netdisk
