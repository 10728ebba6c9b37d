// LogLevels: the value of --log-level, `LEVEL[,COMPONENT=LEVEL]...` ("info,op=warn,http=debug"):
// a level for every component logger and overrides for some. Parsing is pure (no logger is
// touched); logging/component_log.h applies the result. Any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/common.h>

namespace netdisk::server {

// The component loggers' names, as registered in spdlog's registry (docs/ADMIN.md,
// "Operations"). "server" is also the default logger.
inline constexpr std::array<std::string_view, 9> kLogComponents = {
    "server", "tcp", "http", "dav", "chat", "accounts", "storage", "admin", "op"};

struct LogLevels {
  spdlog::level::level_enum base = spdlog::level::info;
  std::vector<std::pair<std::string, spdlog::level::level_enum>> overrides;  // in given order

  // The level `component` gets: its override, else the base.
  spdlog::level::level_enum level_of(std::string_view component) const;
};

// Parses a --log-level value. Levels: trace, debug, info, warn, error, critical, off. Throws
// std::invalid_argument naming the unknown level or component, or the malformed item.
LogLevels parse_log_levels(std::string_view text);

}  // namespace netdisk::server
