// Listing a remote folder completely: `list` asked page after page (each page at most 1,000
// entries, the next one starting `after` the last name) until the server says there is no
// more. Used by `ls` and by the shell's name completion. Calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/server_link.h"

namespace netdisk::client {

struct RemoteEntry {
  std::string name;
  bool is_directory = false;
  std::uint64_t size = 0;
  std::string mtime;  // ISO 8601 UTC, as the server sent it
};

// Every entry of the folder `path` ("" for the user's folder), sorted by name. Throws
// ServerError (not_found, not_a_directory, ...).
std::vector<RemoteEntry> list_remote(ServerLink& link, const std::string& path);

// What `stat` says about `path`, as an entry named after its last component. Throws ServerError.
RemoteEntry stat_remote(ServerLink& link, const std::string& path);

// True when `path` names an existing remote folder (false when missing or a file).
bool is_remote_directory(ServerLink& link, const std::string& path);

}  // namespace netdisk::client
