#include "client/remote_glob.h"

#include <fnmatch.h>

#include "client/remote_path.h"

namespace netdisk::client {

bool has_wildcard(std::string_view path) {
  return remote_basename(path).find_first_of("*?[") != std::string::npos;
}

std::vector<std::string> matching_entries(const std::vector<RemoteEntry>& entries,
                                          const std::string& dir, const std::string& pattern,
                                          bool files_only) {
  std::vector<std::string> out;
  for (const auto& entry : entries) {
    if (files_only && entry.is_directory) continue;
    if (::fnmatch(pattern.c_str(), entry.name.c_str(), FNM_PERIOD) == 0) {
      out.push_back(join_remote(dir, entry.name));
    }
  }
  return out;
}

std::vector<std::string> expand_remote(ServerLink& link, const std::string& typed,
                                       bool files_only) {
  std::string path = normalize_remote(typed);
  if (!has_wildcard(path)) return {path};
  try {
    stat_remote(link, path);
    return {path};  // a name that really holds the wildcard characters
  } catch (const ServerError& error) {
    if (error.code() != "not_found") throw;
  }
  std::string dir = remote_dirname(path);
  auto found = matching_entries(list_remote(link, dir), dir, remote_basename(path), files_only);
  if (found.empty()) {
    throw ServerError("not_found", std::string("no remote ") + (files_only ? "file" : "name") +
                                       " matches " + typed);
  }
  return found;
}

}  // namespace netdisk::client
