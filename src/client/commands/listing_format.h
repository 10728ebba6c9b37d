// The text of `ls`: one line per entry in aligned columns (type, size, with -l also the exact
// byte count, modification time, name; folders end in "/"). Pure functions; any thread.
#pragma once

#include <string>
#include <vector>

#include "client/remote_listing.h"

namespace netdisk::client {

// "2026-11-23T10:04:05.123Z" -> "2026-11-23 10:04:05"; anything unexpected is kept as is.
std::string short_time(const std::string& iso);

// The whole listing, every line ending in "\n"; "" for an empty folder.
std::string format_listing(const std::vector<RemoteEntry>& entries, bool long_format);

}  // namespace netdisk::client
