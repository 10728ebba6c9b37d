// ISO 8601 UTC timestamps as users.xlsx stores them: "2026-11-23T10:04:05Z", whole seconds.
// Pure functions, safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace netdisk::storage {

// "YYYY-MM-DDTHH:MM:SSZ"; sub-second parts are dropped (rounded toward the past).
std::string format_iso8601_utc(std::chrono::system_clock::time_point when);

// Parses "YYYY-MM-DDTHH:MM:SSZ", optionally with a fraction of a second before the 'Z'
// (".123"), which is dropped. Anything else, or an impossible date or time, gives nullopt.
std::optional<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view text);

// What an administrator may type into users.xlsx as a time, as well as the form above: a
// year-first date "2026-11-23" (or "2026/11/23"), optionally followed by 'T' or a space and
// "HH:MM" or "HH:MM:SS" with an optional fraction (dropped), then optionally "Z", "UTC" or an
// offset "+01:00", "-0530", "+01" (converted to UTC). No zone means UTC. Spaces around are
// ignored. Day-first and month-first forms are refused: "01/02/2026" is ambiguous.
std::optional<std::chrono::system_clock::time_point> parse_typed_time(std::string_view text);

}  // namespace netdisk::storage
