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

}  // namespace netdisk
