// Durations as an administrator types them: "30d", "12h", "30m", "90s" or plain seconds.
// Used by `netdiskd admin invite create --expires` and the --deleted-retention option. Pure
// functions; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace netdisk {

// The duration `text` names, or nullopt for anything else (zero, a unit not listed, overflow).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace netdisk
