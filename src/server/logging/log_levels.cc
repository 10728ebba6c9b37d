#include "server/logging/log_levels.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

namespace netdisk::server {
namespace {

constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 7> kLevelNames = {{
    {"trace", spdlog::level::trace},
    {"debug", spdlog::level::debug},
    {"info", spdlog::level::info},
    {"warn", spdlog::level::warn},
    {"error", spdlog::level::err},
    {"critical", spdlog::level::critical},
    {"off", spdlog::level::off},
}};

// spdlog::level::from_str answers "off" for any unknown word, so the names are checked here.
spdlog::level::level_enum level_named(std::string_view name) {
  for (const auto& [text, level] : kLevelNames) {
    if (text == name) return level;
  }
  throw std::invalid_argument(fmt::format(
      "--log-level: unknown level '{}' (trace, debug, info, warn, error, critical or off)", name));
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

spdlog::level::level_enum LogLevels::level_of(std::string_view component) const {
  // The last override of a component wins, as a later flag would.
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    if (it->first == component) return it->second;
  }
  return base;
}

LogLevels parse_log_levels(std::string_view text) {
  LogLevels levels;
  bool first = true;
  while (true) {
    auto comma = text.find(',');
    auto item = trimmed(text.substr(0, comma));
    auto equals = item.find('=');
    if (item.empty()) throw std::invalid_argument("--log-level: an empty item");
    if (equals == std::string_view::npos) {
      // Only the first item may be a bare level: the one every component starts from.
      if (!first) {
        throw std::invalid_argument(fmt::format(
            "--log-level: '{}' must be COMPONENT=LEVEL (only the first item is a bare level)",
            item));
      }
      levels.base = level_named(item);
    } else {
      auto component = trimmed(item.substr(0, equals));
      if (std::find(kLogComponents.begin(), kLogComponents.end(), component) ==
          kLogComponents.end()) {
        throw std::invalid_argument(fmt::format(
            "--log-level: unknown component '{}' (server, tcp, http, dav, chat, accounts, "
            "storage, admin or op)",
            component));
      }
      levels.overrides.emplace_back(std::string(component),
                                    level_named(trimmed(item.substr(equals + 1))));
    }
    first = false;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return levels;
}

}  // namespace netdisk::server
