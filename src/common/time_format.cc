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

CivilTime civil_utc(std::int64_t seconds) {
  std::int64_t days = seconds / 86400, in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    days -= 1;
  }
  // Days to a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  CivilTime civil;
  civil.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  civil.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  civil.year = yoe + era * 400 + (civil.month <= 2 ? 1 : 0);
  std::int64_t weekday = (days + 4) % 7;  // 1970-01-01 was a Thursday
  civil.weekday = static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
  civil.hour = static_cast<int>(in_day / 3600);
  civil.minute = static_cast<int>(in_day / 60 % 60);
  civil.second = static_cast<int>(in_day % 60);
  return civil;
}

void append_time_of_day(std::string& out, const CivilTime& time) {
  char text[] = {
      static_cast<char>('0' + time.hour / 10),   static_cast<char>('0' + time.hour % 10),   ':',
      static_cast<char>('0' + time.minute / 10), static_cast<char>('0' + time.minute % 10), ':',
      static_cast<char>('0' + time.second / 10), static_cast<char>('0' + time.second % 10)};
  out.append(text, sizeof text);
}

}  // namespace netdisk
