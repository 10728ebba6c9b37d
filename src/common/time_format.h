// ISO 8601 UTC time strings as used on the wire and in users.xlsx ("2026-11-23T10:04:05Z",
// with a fraction of up to nine digits when there is one). Pure functions; any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace netdisk {

// Nanoseconds since the Unix epoch, as ISO 8601 UTC. The fraction is omitted when zero.
std::string format_utc_ns(std::int64_t ns_since_epoch);
std::string format_utc(std::chrono::system_clock::time_point time);
std::string format_utc_now();

// A UTC date and time of day (proleptic Gregorian calendar), computed without gmtime_r, for
// writers that format thousands of times (listings).
struct CivilTime {
  std::int64_t year = 1970;
  int month = 1;    // 1-12
  int day = 1;      // 1-31
  int weekday = 4;  // 0 = Sunday
  int hour = 0, minute = 0, second = 0;
};
CivilTime civil_utc(std::int64_t seconds_since_epoch);
// Appends the time of day as "HH:MM:SS".
void append_time_of_day(std::string& out, const CivilTime& time);

}  // namespace netdisk
