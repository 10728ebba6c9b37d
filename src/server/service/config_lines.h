// Line numbers for errors in a --config TOML file. CLI11 reports which option failed but not
// where; these helpers find the line of a key, and a pre-check names the first line that is
// not `key = value`, a comment or a `[section]`. Pure functions over the file's text; any
// thread (the caller reads the file, off the I/O threads).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace netdisk::server {

struct ConfigLineError {
  std::size_t line = 0;  // 1-based
  std::string message;
};

// The first line that is neither blank, a `#` comment, a `[section]` header nor
// `key = value` (or `key=value`) with a non-empty value; nullopt when every line is.
std::optional<ConfigLineError> check_config_syntax(std::string_view text);

// The 1-based line that sets `key` (an option name without dashes, "max-connections"; "_"
// matches "-" as CLI11 accepts both, and "section.key" or a key under `[section]` matches
// "section.key"), or 0 when no line does.
std::size_t find_config_key(std::string_view text, std::string_view key);

// The 1-based line whose value, unquoted, is exactly `value`, or 0: how an error that names a
// value but no option ("'nohost' is not HOST:PORT") is placed.
std::size_t find_config_value(std::string_view text, std::string_view value);

}  // namespace netdisk::server
